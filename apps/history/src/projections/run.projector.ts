import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  BuildFailedPayload,
  BuildStartedPayload,
  BuildSucceededPayload,
  DeployFailedPayload,
  DeployStartedPayload,
  DeploySucceededPayload,
  EventEnvelope,
  Events,
  MirrorCompletedPayload,
  MirrorFailedPayload,
  MirrorRequestedPayload,
  RunCompletedPayload,
  RunQueuedPayload,
  RunTrigger,
} from '@klepaas/contracts';
import { ProjectNotYetKnownError } from './project.projector';
import { isFinal, RunStatus, RunSteps, StepChange, StepName } from './run-steps';

/** A step event for a run whose RunQueued has not been projected yet: retried later. */
export class RunNotYetKnownError extends Error {}

/** A run's status only moves forward: queued, then mirroring, building, deploying, then final. */
const STAGE: Record<RunStatus, number> = {
  queued: 0,
  mirroring: 1,
  building: 2,
  deploying: 3,
  succeeded: 4,
  failed: 4,
  cancelled: 4,
  superseded: 4,
};

export interface RunRow {
  id: string;
  project_id: string;
  status: RunStatus;
  reason: string | null;
  failed_step: StepName | null;
  trigger_type: RunTrigger['type'];
  delivery_id: string | null;
  commit_sha: string | null;
  ref: string | null;
  actor: string | null;
  image: string | null;
  replicas: number | null;
  commit_message: string | null;
  retry_of: string | null;
  rollback_of: string | null;
  created_at: Date;
  finished_at: Date | null;
  status_at: Date;
}

/**
 * Runs and their steps (`rm_runs`, `rm_run_steps`) and the project's `lastRun`, from the run
 * events. Events of one run come from the runner and the mirror and may arrive out of order: a
 * step event before its RunQueued is thrown back (retried once the run is known), a run's status
 * never moves backwards, and a step ignores events older than the one that last changed it.
 * RunCompleted carries everything a run needs, so it records the run even when it comes first.
 */
@Injectable()
export class RunProjector {
  private readonly steps = new RunSteps();

  async apply(manager: EntityManager, envelope: EventEnvelope): Promise<void> {
    const at = envelope.occurredAt;
    switch (envelope.type) {
      case Events.RunQueued.name:
        return this.queued(manager, envelope.payload as RunQueuedPayload, at);
      case Events.MirrorRequested.name: {
        const p = envelope.payload as MirrorRequestedPayload;
        return this.step(manager, p.runId, at, 'mirroring', 'mirror', {
          status: 'running',
          ncp: { sourceCommitRepository: p.target.repository, branch: p.target.branch },
        });
      }
      case Events.MirrorCompleted.name: {
        const p = envelope.payload as MirrorCompletedPayload;
        await this.step(manager, p.runId, at, null, 'mirror', {
          status: 'succeeded',
          ncp: { mirroredCommit: p.mirroredCommit },
        });
        await manager.query(`UPDATE rm_runs SET commit_sha = COALESCE(commit_sha, $2) WHERE id = $1`, [
          p.runId,
          p.sourceCommit,
        ]);
        return;
      }
      case Events.MirrorFailed.name: {
        const p = envelope.payload as MirrorFailedPayload;
        return this.step(manager, p.runId, at, null, 'mirror', { status: 'failed', error: p.error });
      }
      case Events.BuildStarted.name: {
        const p = envelope.payload as BuildStartedPayload;
        await this.step(manager, p.runId, at, 'building', 'build', {
          status: 'running',
          ncp: { buildProjectId: p.buildProjectId, buildId: p.buildId },
        });
        return this.facts(manager, p.runId, p.image, null);
      }
      case Events.BuildSucceeded.name: {
        const p = envelope.payload as BuildSucceededPayload;
        return this.step(manager, p.runId, at, null, 'build', { status: 'succeeded' });
      }
      case Events.BuildFailed.name: {
        const p = envelope.payload as BuildFailedPayload;
        return this.step(manager, p.runId, at, null, 'build', {
          status: 'failed',
          error: p.error,
          failedPhase: p.failedPhase,
          ...(p.buildId ? { ncp: { buildId: p.buildId } } : {}),
        });
      }
      case Events.DeployStarted.name: {
        const p = envelope.payload as DeployStartedPayload;
        await this.step(manager, p.runId, at, 'deploying', 'deploy', {
          status: 'running',
          ncp: { historyId: p.historyId },
        });
        return this.facts(manager, p.runId, p.image, p.replicas);
      }
      case Events.DeploySucceeded.name: {
        const p = envelope.payload as DeploySucceededPayload;
        return this.step(manager, p.runId, at, null, 'deploy', { status: 'succeeded' });
      }
      case Events.DeployFailed.name: {
        const p = envelope.payload as DeployFailedPayload;
        return this.step(manager, p.runId, at, null, 'deploy', {
          status: 'failed',
          error: p.error,
          ...(p.historyId ? { ncp: { historyId: p.historyId } } : {}),
        });
      }
      case Events.RunCompleted.name:
        return this.completed(manager, envelope.payload as RunCompletedPayload, at);
    }
  }

  /** The run, locked for this transaction; events of one run are applied one at a time. */
  async lock(manager: EntityManager, runId: string): Promise<RunRow> {
    const rows: RunRow[] = await manager.query(`SELECT * FROM rm_runs WHERE id = $1 FOR UPDATE`, [runId]);
    if (!rows.length) throw new RunNotYetKnownError(`run ${runId} is not in the read model yet (no RunQueued seen)`);
    return rows[0];
  }

  private async queued(manager: EntityManager, p: RunQueuedPayload, at: string): Promise<void> {
    await this.requireProject(manager, p.projectId);
    await this.insertRun(manager, p, at);
    // Every write to a run and its steps happens under the run's lock, so no two events of a run deadlock.
    await this.lock(manager, p.runId);
    // A RunCompleted projected first has created the run; RunQueued adds what only it knows.
    await manager.query(
      `UPDATE rm_runs SET commit_message = COALESCE(commit_message, $2), retry_of = COALESCE(retry_of, $3),
         rollback_of = COALESCE(rollback_of, $4), image = COALESCE(image, $5), replicas = COALESCE(replicas, $6),
         created_at = LEAST(created_at, $7)
       WHERE id = $1`,
      [p.runId, p.commitMessage ?? null, p.retryOf ?? null, p.rollbackOf ?? null, p.image, p.replicas, at],
    );
    await this.steps.createPending(manager, p.runId, at);
    await this.followLastRun(manager, await this.lock(manager, p.runId));
  }

  private async step(
    manager: EntityManager,
    runId: string,
    at: string,
    runStatus: RunStatus | null,
    name: StepName,
    change: StepChange,
  ): Promise<void> {
    let run = await this.lock(manager, runId);
    if (runStatus) run = await this.advance(manager, run, runStatus, at);
    // A deploy that starts while the build is still pending never builds (rollback, scale).
    if (name === 'deploy' && change.status === 'running') await this.steps.skipIfPending(manager, runId, 'build');
    await this.steps.change(manager, runId, name, at, change);
    // A step event older than the run's end (it came late): what the end implies still holds.
    await this.steps.settle(manager, settled(run));
  }

  private async completed(manager: EntityManager, p: RunCompletedPayload, at: string): Promise<void> {
    await this.requireProject(manager, p.projectId);
    await this.insertRun(manager, { ...p, commitMessage: null, rollbackOf: null, retryOf: null }, p.queuedAt);
    const run = await this.lock(manager, p.runId);
    await this.steps.createPending(manager, p.runId, p.queuedAt);
    if (!movesForward(run, p.status, at)) return;
    await manager.query(
      `UPDATE rm_runs SET status = $2, reason = $3, failed_step = $4, finished_at = $5, status_at = GREATEST(status_at, $6),
         image = COALESCE($7, image), replicas = COALESCE($8, replicas), commit_sha = COALESCE(commit_sha, $9),
         updated_at = now()
       WHERE id = $1`,
      [p.runId, p.status, p.reason, p.failedStep, p.finishedAt, at, p.image, p.replicas, p.trigger.commitSha],
    );
    const ended = await this.lock(manager, p.runId);
    await this.steps.settle(manager, settled(ended));
    await this.followLastRun(manager, ended);
  }

  /** Moves the run's status forward (never back); returns the run as it now is. */
  private async advance(manager: EntityManager, run: RunRow, status: RunStatus, at: string): Promise<RunRow> {
    if (!movesForward(run, status, at)) return run;
    await manager.query(
      `UPDATE rm_runs SET status = $2, status_at = GREATEST(status_at, $3), updated_at = now() WHERE id = $1`,
      [run.id, status, at],
    );
    const moved = { ...run, status };
    await this.followLastRun(manager, moved);
    return moved;
  }

  /** What later events learn of the image and replicas a run deploys. */
  private async facts(manager: EntityManager, runId: string, image: string, replicas: number | null): Promise<void> {
    await manager.query(`UPDATE rm_runs SET image = $2, replicas = COALESCE($3, replicas) WHERE id = $1`, [
      runId,
      image,
      replicas,
    ]);
  }

  private async insertRun(
    manager: EntityManager,
    p: Pick<RunQueuedPayload, 'runId' | 'projectId' | 'trigger' | 'image' | 'replicas' | 'commitMessage'> & {
      retryOf: string | null;
      rollbackOf?: string | null;
    },
    createdAt: string,
  ): Promise<void> {
    const t = p.trigger;
    await manager.query(
      `INSERT INTO rm_runs (id, project_id, status, trigger_type, delivery_id, commit_sha, ref, actor, image, replicas,
         commit_message, retry_of, rollback_of, created_at, status_at, trigger_reason)
       VALUES ($1, $2, 'queued', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14)
       ON CONFLICT (id) DO NOTHING`,
      [
        p.runId,
        p.projectId,
        t.type,
        t.deliveryId ?? null,
        t.commitSha,
        t.ref ?? null,
        t.actor ?? null,
        p.image,
        p.replicas,
        p.commitMessage ?? null,
        p.retryOf,
        p.rollbackOf ?? null,
        createdAt,
        t.reason ?? null,
      ],
    );
  }

  /** The project's newest run, in brief (docs/api.md: Project.lastRun). */
  private async followLastRun(manager: EntityManager, run: RunRow): Promise<void> {
    const createdAt = new Date(run.created_at).toISOString();
    const summary = {
      id: run.id,
      status: run.status,
      commitSha: run.commit_sha,
      createdAt,
      ...(run.finished_at ? { finishedAt: new Date(run.finished_at).toISOString() } : {}),
    };
    await manager.query(
      `UPDATE rm_projects SET last_run = $2::jsonb
        WHERE id = $1 AND (last_run IS NULL OR last_run->>'id' = $3
          OR ((last_run->>'createdAt')::timestamptz, last_run->>'id') < ($4::timestamptz, $3))`,
      [run.project_id, JSON.stringify(summary), run.id, createdAt],
    );
  }

  private async requireProject(manager: EntityManager, projectId: string): Promise<void> {
    const rows = await manager.query(`SELECT 1 FROM rm_projects WHERE id = $1`, [projectId]);
    if (!rows.length) throw new ProjectNotYetKnownError(`project ${projectId} is not registered in the read model yet`);
  }
}

function movesForward(run: RunRow, status: RunStatus, at: string): boolean {
  if (STAGE[status] !== STAGE[run.status]) return STAGE[status] > STAGE[run.status];
  return !isFinal(run.status) && new Date(run.status_at).getTime() <= Date.parse(at);
}

function settled(run: RunRow) {
  return {
    id: run.id,
    status: run.status,
    reason: run.reason,
    failedStep: run.failed_step,
    finishedAt: run.finished_at,
  };
}
