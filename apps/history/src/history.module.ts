import { DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { ConfigModule, KlepaasConfig } from '@klepaas/config';
import { BrokerConnection, MessagingModule } from '@klepaas/messaging';
import { ObservabilityModule } from '@klepaas/observability';
import { DatabaseReadiness, PersistenceModule } from '@klepaas/persistence';
import { CommitProjector } from './projections/commit.projector';
import { DeliveryProjector } from './projections/delivery.projector';
import { DeploymentProjector } from './projections/deployment.projector';
import { ProjectProjector } from './projections/project.projector';
import { ProjectionController } from './projections/projection.controller';
import { RunProjector } from './projections/run.projector';
import { TimelineProjector } from './projections/timeline.projector';

/** The read side: projects every event into the read-model tables it alone writes. */
@Module({})
export class HistoryModule {
  static forRoot(config: KlepaasConfig, logger: Logger): DynamicModule {
    return {
      module: HistoryModule,
      imports: [
        ConfigModule.forRoot(config),
        ObservabilityModule.forRoot({ logger, readinessChecks: [DatabaseReadiness, BrokerConnection] }),
        PersistenceModule.forRoot({ databaseUrl: config.databaseUrl, inboxTable: 'history_inbox' }),
        MessagingModule.forRoot({
          rabbitmqUrl: config.rabbitmqUrl,
          databaseUrl: config.databaseUrl,
          retryDelaysMs: config.retryDelaysMs,
          publishes: false,
        }),
      ],
      controllers: [ProjectionController],
      providers: [
        TimelineProjector,
        DeliveryProjector,
        ProjectProjector,
        RunProjector,
        DeploymentProjector,
        CommitProjector,
      ],
    };
  }
}
