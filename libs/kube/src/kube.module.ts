import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import type { KlepaasConfig } from '@klepaas/config';
import { KubeClient } from './kube-client';

/** Injection token: the cluster client, or null when no KLEPAAS_KUBECONFIG is configured. */
export const KUBE_CLIENT = Symbol('KUBE_CLIENT');

/** Why cluster features are off, said the same way by every service. */
export const NO_KUBECONFIG =
  'no cluster access is configured (KLEPAAS_KUBECONFIG, docs/cluster.md): this system deploys through NCP SourceDeploy, which neither reports nor restarts pods';

class KubeClientCloser implements OnApplicationShutdown {
  constructor(@Inject(KUBE_CLIENT) private readonly client: KubeClient | null) {}

  async onApplicationShutdown(): Promise<void> {
    await this.client?.close();
  }
}

@Global()
@Module({})
export class KubeModule {
  static forRoot(config: KlepaasConfig): DynamicModule {
    return {
      module: KubeModule,
      providers: [
        { provide: KUBE_CLIENT, useFactory: () => (config.kube ? new KubeClient(config.kube) : null) },
        KubeClientCloser,
      ],
      exports: [KUBE_CLIENT],
    };
  }
}
