import { DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { ConfigModule, KlepaasConfig } from '@klepaas/config';
import { BrokerConnection, MessagingModule } from '@klepaas/messaging';
import { KubeModule } from '@klepaas/kube';
import { NcpModule } from '@klepaas/ncp';
import { ObservabilityModule } from '@klepaas/observability';
import { DatabaseReadiness, PersistenceModule } from '@klepaas/persistence';
import { ChangeSettings } from './commands/change-settings';
import { CommandsController } from './commands/commands.controller';
import { RegisterProject } from './commands/register-project';
import { UnregisterProject } from './commands/unregister-project';
import { ApplyInstallationChange } from './installations/apply-installation-change';
import { ProjectsRepository } from './projects/projects.repository';
import { BuildEnvironmentResolver } from './provisioning/build-environment';
import { ProjectLock } from './provisioning/project-lock';
import { ProvisionProject } from './provisioning/provision-project';
import { ProjectNamespace } from './provisioning/project-namespace';
import { ProvisioningSteps } from './provisioning/provisioning-steps';

/** Registers repositories: the NCP setup of each project, its settings, its removal. */
@Module({})
export class ProvisionerModule {
  static forRoot(config: KlepaasConfig, logger: Logger): DynamicModule {
    return {
      module: ProvisionerModule,
      imports: [
        ConfigModule.forRoot(config),
        ObservabilityModule.forRoot({ logger, readinessChecks: [DatabaseReadiness, BrokerConnection] }),
        PersistenceModule.forRoot({
          databaseUrl: config.databaseUrl,
          outboxTable: 'provisioner_outbox',
          inboxTable: 'provisioner_inbox',
        }),
        MessagingModule.forRoot({
          rabbitmqUrl: config.rabbitmqUrl,
          databaseUrl: config.databaseUrl,
          retryDelaysMs: config.retryDelaysMs,
          publishes: true,
        }),
        NcpModule.forRoot(config),
        KubeModule.forRoot(config),
      ],
      controllers: [CommandsController],
      providers: [
        ProjectsRepository,
        BuildEnvironmentResolver,
        ProjectNamespace,
        ProvisioningSteps,
        ProjectLock,
        ProvisionProject,
        RegisterProject,
        ChangeSettings,
        UnregisterProject,
        ApplyInstallationChange,
      ],
    };
  }
}
