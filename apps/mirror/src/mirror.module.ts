import { DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { ConfigModule, KlepaasConfig } from '@klepaas/config';
import { BrokerConnection, MessagingModule } from '@klepaas/messaging';
import { ObservabilityModule } from '@klepaas/observability';
import { DatabaseReadiness, PersistenceModule } from '@klepaas/persistence';

/** The mirror: health, metrics and its connections; its work arrives with its issue. */
@Module({})
export class MirrorModule {
  static forRoot(config: KlepaasConfig, logger: Logger): DynamicModule {
    return {
      module: MirrorModule,
      imports: [
        ConfigModule.forRoot(config),
        ObservabilityModule.forRoot({ logger, readinessChecks: [DatabaseReadiness, BrokerConnection] }),
        PersistenceModule.forRoot({ databaseUrl: config.databaseUrl }),
        MessagingModule.forRoot({
          rabbitmqUrl: config.rabbitmqUrl,
          databaseUrl: config.databaseUrl,
          retryDelaysMs: config.retryDelaysMs,
          publishes: false,
        }),
      ],
    };
  }
}
