import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  DeployFailedPayload,
  DeployStartedPayload,
  DeploySucceededPayload,
  EventEnvelope,
  Events,
  RunCompletedPayload,
} from '@klepaas/contracts';
import { RunProjector, RunRow } from './run.projector';

/** A deploy outcome whose DeployStarted has not been projected yet: retried later. */
export class DeploymentNotYetKnownError extends Error {}

/** How a deployment still in progress ends when its run ends without saying (cancelled, superseded, failed). */
const ENDS_AS: Partial<Record<RunCompletedPayload['status'], string>> = {
  cancelled: 'cancelled',
  superseded: 'cancelled',
  failed: 'failed',
};

/**
 * Deployments (`rm_deployments`: one per run that reaches SourceDeploy, id = the run id) and the
 * project's `currentDeployment` (the latest that succeeded). Runs after RunProjector in the same
 * transaction, so the run is known (and locked) by then. Each change is guarded by the time of
 * the event that made it, as steps are.
 */
@Injectable()
export class DeploymentProjector {
  constructor(private readonly runs: RunProjector) {}

  async apply(manager: EntityManager, envelope: EventEnvelope): Promise<void> {
    const at = envelope.occurredAt;
    switch (envelope.type) {
      case Events.DeployStarted.name:
        return this.started(manager, envelope.payload as DeployStartedPayload, at);
      case Events.DeploySucceeded.name: {
        const p = envelope.payload as DeploySucceededPayload;
        await this.ended(manager, p.runId, 'succeeded', at, p.image, p.replicas);
        return this.followCurrent(manager, p.runId);
      }
      case Events.DeployFailed.name: {
        const p = envelope.payload as DeployFailedPayload;
        return this.ended(manager, p.runId, 'failed', at, null, null);
      }
      case Events.RunCompleted.name:
        return this.settle(manager, await this.runs.lock(manager, (envelope.payload as RunCompletedPayload).runId));
    }
  }

  private async started(manager: EntityManager, p: DeployStartedPayload, at: string): Promise<void> {
    const run = await this.runs.lock(manager, p.runId);
    const trigger = {
      type: run.trigger_type,
      ...(run.delivery_id ? { deliveryId: run.delivery_id } : {}),
      commitSha: run.commit_sha,
      ...(run.ref ? { ref: run.ref } : {}),
      ...(run.actor ? { actor: run.actor } : {}),
    };
    await manager.query(
      `INSERT INTO rm_deployments (id, project_id, run_id, commit_sha, commit_message, image, replicas, status, trigger,
         is_rollback, rollback_from, started_at, status_at)
       VALUES ($1, $2, $1, $3, $4, $5, $6, 'deploying', $7::jsonb, $8, $9, $10, $10)
       ON CONFLICT (id) DO UPDATE SET status = 'deploying', image = EXCLUDED.image, replicas = EXCLUDED.replicas,
         finished_at = NULL, status_at = EXCLUDED.status_at
       WHERE rm_deployments.status_at <= EXCLUDED.status_at`,
      [
        run.id,
        run.project_id,
        run.commit_sha,
        run.commit_message,
        p.image,
        p.replicas,
        JSON.stringify(trigger),
        run.trigger_type === 'rollback',
        run.rollback_of,
        at,
      ],
    );
    await this.settle(manager, run);
  }

  private async ended(
    manager: EntityManager,
    runId: string,
    status: 'succeeded' | 'failed',
    at: string,
    image: string | null,
    replicas: number | null,
  ): Promise<void> {
    const run = await this.runs.lock(manager, runId);
    const known = await manager.query(`SELECT 1 FROM rm_deployments WHERE id = $1`, [runId]);
    if (!known.length) {
      throw new DeploymentNotYetKnownError(
        `deployment of run ${runId} is not in the read model yet (no DeployStarted)`,
      );
    }
    await manager.query(
      `UPDATE rm_deployments SET status = $2, finished_at = $3, status_at = $3, image = COALESCE($4, image),
         replicas = COALESCE($5, replicas)
       WHERE id = $1 AND status_at <= $3`,
      [runId, status, at, image, replicas],
    );
    await this.settle(manager, run);
  }

  /** A deployment still deploying when its run ended another way ends with it (the clock is left as it was). */
  private async settle(manager: EntityManager, run: RunRow): Promise<void> {
    const endsAs = ENDS_AS[run.status as RunCompletedPayload['status']];
    if (!endsAs) return;
    await manager.query(
      `UPDATE rm_deployments SET status = $2, finished_at = COALESCE(finished_at, $3) WHERE id = $1 AND status = 'deploying'`,
      [run.id, endsAs, run.finished_at],
    );
  }

  /** The project's current deployment: the one that succeeded last. */
  private async followCurrent(manager: EntityManager, runId: string): Promise<void> {
    const [d] = await manager.query(`SELECT * FROM rm_deployments WHERE id = $1 AND status = 'succeeded'`, [runId]);
    if (!d) return;
    const finishedAt = new Date(d.finished_at).toISOString();
    const summary = {
      id: d.id,
      runId: d.run_id,
      commitSha: d.commit_sha,
      ...(d.commit_message ? { commitMessage: d.commit_message } : {}),
      image: d.image,
      replicas: d.replicas,
      status: d.status,
      isRollback: d.is_rollback,
      ...(d.rollback_from ? { rollbackFrom: d.rollback_from } : {}),
      startedAt: new Date(d.started_at).toISOString(),
      finishedAt,
    };
    await manager.query(
      `UPDATE rm_projects SET current_deployment = $2::jsonb
        WHERE id = $1 AND (current_deployment IS NULL OR current_deployment->>'id' = $3
          OR (current_deployment->>'finishedAt')::timestamptz <= $4::timestamptz)`,
      [d.project_id, JSON.stringify(summary), d.id, finishedAt],
    );
  }
}
