import { DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { ConfigModule, KlepaasConfig } from '@klepaas/config';
import { GithubModule } from '@klepaas/github';
import { BrokerConnection, MessagingModule } from '@klepaas/messaging';
import { KubeModule } from '@klepaas/kube';
import { NcpModule } from '@klepaas/ncp';
import { ObservabilityModule } from '@klepaas/observability';
import { DatabaseReadiness, PersistenceModule } from '@klepaas/persistence';
import { ApplyTrigger } from './desired/apply-trigger';
import { Reconciler } from './desired/reconciler';
import { TriggerLookups } from './desired/trigger-lookups';
import { TriggerQueue } from './desired/trigger-queue';
import { TriggerWorker } from './desired/trigger-worker';
import { BuildStep } from './driver/build-step';
import { DeployBranch } from './driver/deploy-branch';
import { DeployStep } from './driver/deploy-step';
import { RolloutCheck } from './driver/rollout-check';
import { MirrorWatch } from './driver/mirror-watch';
import { RunContext } from './driver/run-context';
import { RunDriver } from './driver/run-driver';
import { StartRun } from './driver/start-run';
import { StepEnd } from './driver/step-end';
import { GithubFeedback } from './notify/github-feedback';
import { NotificationOutbox } from './notify/notification-outbox';
import { NotificationStore } from './notify/notification-store';
import { NotificationWorker } from './notify/notification-worker';
import { SlackFeedback } from './notify/slack-feedback';
import { RunnerProjectsRepository } from './projects/runner-projects.repository';
import { FinishRun } from './runs/finish-run';
import { QueueRun } from './runs/queue-run';
import { RunRecorder } from './runs/run-recorder';
import { RunsRepository } from './runs/runs.repository';
import { ManualHandler } from './triggers/manual.handler';
import { ProjectEventsHandler } from './triggers/project-events.handler';
import { PushHandler } from './triggers/push.handler';
import { RunControlHandler } from './triggers/run-control.handler';
import { RunnerController } from './triggers/runner.controller';
import { RunMetrics } from './metrics/run-metrics';

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
          // The driver, the trigger worker and the handlers each hold a connection only briefly.
          poolSize: 16,
        }),
        MessagingModule.forRoot({
          rabbitmqUrl: config.rabbitmqUrl,
          databaseUrl: config.databaseUrl,
          retryDelaysMs: config.retryDelaysMs,
          publishes: true,
        }),
        NcpModule.forRoot(config),
        KubeModule.forRoot(config),
        GithubModule.forRoot(config),
      ],
      controllers: [RunnerController],
      providers: [
        RunMetrics,
        RunnerProjectsRepository,
        RunsRepository,
        RunRecorder,
        FinishRun,
        QueueRun,
        TriggerQueue,
        TriggerLookups,
        ApplyTrigger,
        TriggerWorker,
        Reconciler,
        ProjectEventsHandler,
        PushHandler,
        ManualHandler,
        RunControlHandler,
        DeployBranch,
        RunContext,
        StepEnd,
        StartRun,
        MirrorWatch,
        BuildStep,
        DeployStep,
        RolloutCheck,
        RunDriver,
        NotificationOutbox,
        NotificationStore,
        GithubFeedback,
        SlackFeedback,
        NotificationWorker,
      ],
    };
  }
}
