import { DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { AuthModule } from '@klepaas/auth';
import { ConfigModule, KlepaasConfig } from '@klepaas/config';
import { GithubModule } from '@klepaas/github';
import { KubeModule } from '@klepaas/kube';
import { BrokerConnection, MessagingModule } from '@klepaas/messaging';
import { ObservabilityModule } from '@klepaas/observability';
import { DatabaseReadiness, PersistenceModule } from '@klepaas/persistence';
import { ReadModel } from '@klepaas/read-model';
import { GithubLookup } from './projects/github-lookup';
import { ProjectCommandsService } from './projects/project-commands.service';
import { ProjectViews } from './projects/project-views';
import { ProjectsController } from './projects/projects.controller';
import { RegisterProjectService } from './projects/register-project.service';
import { RepositoryAccess } from './projects/repository-access';
import { WebhookSecretController } from './projects/webhook-secret.controller';
import { ParkedCollector } from './admin/parked-collector';
import { ParkedController } from './admin/parked.controller';
import { ParkedMessagesService } from './admin/parked-messages.service';
import { TakeoversController } from './admin/takeovers.controller';
import { DeliveriesController } from './deliveries/deliveries.controller';
import { DeliveryViewService } from './deliveries/delivery-view.service';
import { EventStream } from './events/event-stream';
import { EventsController } from './events/events.controller';
import { QueryTokenIntake } from './events/query-token';
import { RunCommandsService } from './runs/run-commands.service';
import { RunViews } from './runs/run-views';
import { RunsController } from './runs/runs.controller';
import { StatsController } from './stats/stats.controller';
import { DeliveryStore } from './webhooks/delivery-store';
import { ProjectSlackDestinations } from './projects/project-slack-destinations';
import { ProjectWebhookSecrets } from './webhooks/project-webhook-secrets';
import { WebhookIntake } from './webhooks/webhook-intake.service';
import { CompatModule } from './compat/compat.module';
import { ProjectClusterController } from './cluster/project-cluster.controller';
import { ProjectCluster } from './cluster/project-cluster.service';
import { GithubAppSetupController } from './github-app-setup/github-app-setup.controller';
import { ManifestCodeIntake } from './github-app-setup/manifest-code-intake';
import { ParkedMetrics } from './admin/parked-metrics';

/** The HTTP edge: GitHub webhooks, the REST API for dashboards, operator routes. */
@Module({})
export class GatewayModule {
  static forRoot(config: KlepaasConfig, logger: Logger): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        ConfigModule.forRoot(config),
        ObservabilityModule.forRoot({ logger, readinessChecks: [DatabaseReadiness, BrokerConnection] }),
        PersistenceModule.forRoot({ databaseUrl: config.databaseUrl, outboxTable: 'gateway_outbox', poolSize: 20 }),
        MessagingModule.forRoot({
          rabbitmqUrl: config.rabbitmqUrl,
          databaseUrl: config.databaseUrl,
          retryDelaysMs: config.retryDelaysMs,
          publishes: true,
        }),
        AuthModule.forRoot({ secret: config.jwtSecret!, issuer: config.jwtIssuer, audience: config.jwtAudience }),
        GithubModule.forRoot(config),
        KubeModule.forRoot(config),
        CompatModule,
      ],
      controllers: [
        DeliveriesController,
        ParkedController,
        TakeoversController,
        ProjectsController,
        ProjectClusterController,
        WebhookSecretController,
        RunsController,
        StatsController,
        EventsController,
        GithubAppSetupController,
      ],
      providers: [
        WebhookIntake,
        DeliveryStore,
        DeliveryViewService,
        ReadModel,
        ParkedCollector,
        ParkedMetrics,
        ParkedMessagesService,
        GithubLookup,
        RepositoryAccess,
        ProjectWebhookSecrets,
        ProjectSlackDestinations,
        ProjectViews,
        ProjectCluster,
        RegisterProjectService,
        ProjectCommandsService,
        RunViews,
        RunCommandsService,
        EventStream,
        QueryTokenIntake,
        ManifestCodeIntake,
      ],
    };
  }
}
