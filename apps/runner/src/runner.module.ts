import { DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { ConfigModule, KlepaasConfig } from '@klepaas/config';
import { GithubModule } from '@klepaas/github';
import { BrokerConnection, MessagingModule } from '@klepaas/messaging';
import { NcpModule } from '@klepaas/ncp';
import { ObservabilityModule } from '@klepaas/observability';
import { DatabaseReadiness, PersistenceModule } from '@klepaas/persistence';
import { BuildStep } from './driver/build-step';
import { DeployStep } from './driver/deploy-step';
import { MirrorWatch } from './driver/mirror-watch';
import { RunContext } from './driver/run-context';
import { RunDriver } from './driver/run-driver';
import { StartRun } from './driver/start-run';
import { RunnerProjectsRepository } from './projects/runner-projects.repository';
import { FinishRun } from './runs/finish-run';
import { QueueRun } from './runs/queue-run';
import { RunsRepository } from './runs/runs.repository';
import { ManualHandler } from './triggers/manual.handler';
import { MergeCheck } from './triggers/merge-check';
import { ProjectEventsHandler } from './triggers/project-events.handler';
import { PushHandler } from './triggers/push.handler';
import { RunControlHandler } from './triggers/run-control.handler';
import { RunnerController } from './triggers/runner.controller';

/** The orchestrator: policy, one durable state machine per run, NCP build and deploy to the end. */
@Module({})
export class RunnerModule {
  static forRoot(config: KlepaasConfig, logger: Logger): DynamicModule {
    return {
      module: RunnerModule,
      imports: [
        ConfigModule.forRoot(config),
        ObservabilityModule.forRoot({ logger, readinessChecks: [DatabaseReadiness, BrokerConnection] }),
        PersistenceModule.forRoot({
          databaseUrl: config.databaseUrl,
          outboxTable: 'runner_outbox',
          inboxTable: 'runner_inbox',
        }),
        MessagingModule.forRoot({
          rabbitmqUrl: config.rabbitmqUrl,
          databaseUrl: config.databaseUrl,
          retryDelaysMs: config.retryDelaysMs,
          publishes: true,
        }),
        NcpModule.forRoot(config),
        GithubModule.forRoot(config),
      ],
      controllers: [RunnerController],
      providers: [
        RunnerProjectsRepository,
        RunsRepository,
        FinishRun,
        QueueRun,
        MergeCheck,
        ProjectEventsHandler,
        PushHandler,
        ManualHandler,
        RunControlHandler,
        RunContext,
        StartRun,
        MirrorWatch,
        BuildStep,
        DeployStep,
        RunDriver,
      ],
    };
  }
}
