import { createEnvelope, ErrorInfo, EventEnvelope, Events } from '@klepaas/contracts';
import { Run, triggerOf } from './run';

/** The envelopes a run announces, all correlated by its id. */
export const runEvents = {
  queued: (run: Run, causationId: string | null): EventEnvelope =>
    createEnvelope(
      Events.RunQueued,
      {
        runId: run.id,
        projectId: run.projectId,
        trigger: triggerOf(run),
        image: run.image,
        replicas: run.replicas,
        commitMessage: run.commitMessage,
        rollbackOf: run.rollbackOf,
        retryOf: run.retryOf,
      },
      { correlationId: run.id, causationId },
    ),

  buildStarted: (run: Run, buildProjectId: string, buildId: string): EventEnvelope =>
    createEnvelope(
      Events.BuildStarted,
      { runId: run.id, projectId: run.projectId, buildProjectId, buildId, image: run.image! },
      { correlationId: run.id },
    ),

  buildSucceeded: (run: Run, buildId: string, durationMs: number): EventEnvelope =>
    createEnvelope(
      Events.BuildSucceeded,
      { runId: run.id, projectId: run.projectId, buildId, image: run.image!, durationMs },
      { correlationId: run.id },
    ),

  buildFailed: (run: Run, status: string | null, failedPhase: string | null, error: ErrorInfo): EventEnvelope =>
    createEnvelope(
      Events.BuildFailed,
      { runId: run.id, projectId: run.projectId, buildId: run.buildId, status, failedPhase, error },
      { correlationId: run.id },
    ),

  deployStarted: (run: Run, historyId: string): EventEnvelope =>
    createEnvelope(
      Events.DeployStarted,
      { runId: run.id, projectId: run.projectId, historyId, image: run.image!, replicas: run.replicas ?? 0 },
      { correlationId: run.id },
    ),

  deploySucceeded: (run: Run, durationMs: number): EventEnvelope =>
    createEnvelope(
      Events.DeploySucceeded,
      {
        runId: run.id,
        projectId: run.projectId,
        historyId: run.deployHistoryId!,
        image: run.image!,
        replicas: run.replicas ?? 0,
        durationMs,
      },
      { correlationId: run.id },
    ),

  deployFailed: (run: Run, status: string | null, error: ErrorInfo): EventEnvelope =>
    createEnvelope(
      Events.DeployFailed,
      { runId: run.id, projectId: run.projectId, historyId: run.deployHistoryId, status, error },
      { correlationId: run.id },
    ),

  completed: (run: Run, finishedAt: Date): EventEnvelope =>
    createEnvelope(
      Events.RunCompleted,
      {
        runId: run.id,
        projectId: run.projectId,
        status: run.status as 'succeeded' | 'failed' | 'cancelled' | 'superseded',
        reason: run.reason,
        failedStep: run.failedStep,
        trigger: triggerOf(run),
        image: run.image,
        replicas: run.replicas,
        queuedAt: run.createdAt.toISOString(),
        startedAt: run.startedAt?.toISOString() ?? null,
        finishedAt: finishedAt.toISOString(),
        durationMs: finishedAt.getTime() - run.createdAt.getTime(),
      },
      { correlationId: run.id },
    ),
};

/** Nothing of an unregistering project runs any more: the provisioner may remove its NCP resources. */
export const runsStopped = (projectId: string): EventEnvelope =>
  createEnvelope(Events.ProjectRunsStopped, { projectId }, { correlationId: projectId });
