import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import type { KlepaasConfig } from '@klepaas/config';
import { MetricsService } from '@klepaas/observability';
import { createNcpClients, NcpClients } from './clients';
import type { NcpCallObserver } from './core/call-observer';
import { ncpCallMetrics } from './ncp-metrics';

/** Injection token for the NCP clients of this process (one pooled transport). */
export const NCP_CLIENTS = Symbol('NCP_CLIENTS');

/** The clients built from the app's configuration: real NCP, or the sandbox in sandbox mode. */
export function ncpClientsFromConfig(config: KlepaasConfig, onCall?: NcpCallObserver): NcpClients {
  if (!config.ncp.accessKey || !config.ncp.secretKey) {
    throw new Error('NCP credentials are missing (KLEPAAS_NCP_ACCESS_KEY / KLEPAAS_NCP_SECRET_KEY)');
  }
  return createNcpClients({
    accessKey: config.ncp.accessKey,
    secretKey: config.ncp.secretKey,
    region: config.ncp.region,
    endpoints: config.ncp.endpoints,
    registryUrl: config.ncp.registry.url,
    registryAuthHosts: config.ncp.registry.authHosts,
    ...(onCall ? { http: { onCall } } : {}),
  });
}

class NcpClientsCloser implements OnApplicationShutdown {
  constructor(@Inject(NCP_CLIENTS) private readonly clients: NcpClients) {}

  async onApplicationShutdown(): Promise<void> {
    await this.clients.close();
  }
}

@Global()
@Module({})
export class NcpModule {
  static forRoot(config: KlepaasConfig): DynamicModule {
    return {
      module: NcpModule,
      providers: [
        {
          provide: NCP_CLIENTS,
          useFactory: (metrics?: MetricsService) =>
            ncpClientsFromConfig(config, metrics ? ncpCallMetrics(metrics) : undefined),
          inject: [{ token: MetricsService, optional: true }],
        },
        NcpClientsCloser,
      ],
      exports: [NCP_CLIENTS],
    };
  }
}
