import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { ErrorInfo } from '@klepaas/contracts';
import type { Run, StepName } from './run';

const COLUMNS: Record<keyof Run, string> = {
  id: 'id',
  projectId: 'project_id',
  status: 'status',
  reason: 'reason',
  failedStep: 'failed_step',
  triggerType: 'trigger_type',
  deliveryId: 'delivery_id',
  ref: 'ref',
  commitSha: 'commit_sha',
  commitMessage: 'commit_message',
  actor: 'actor',
  image: 'image',
  tag: 'tag',
  replicas: 'replicas',
  retryOf: 'retry_of',
  rollbackOf: 'rollback_of',
  mirrorAttempt: 'mirror_attempt',
  mirroredCommit: 'mirrored_commit',
  buildRequestedAt: 'build_requested_at',
  buildId: 'build_id',
  buildSkipped: 'build_skipped',
  deployRequestedAt: 'deploy_requested_at',
  deployHistoryId: 'deploy_history_id',
  cancelRequested: 'cancel_requested',
  stepStartedAt: 'step_started_at',
  stepDeadlineAt: 'step_deadline_at',
  nextPollAt: 'next_poll_at',
  polls: 'polls',
  buildMs: 'build_ms',
  deployMs: 'deploy_ms',
  version: 'version',
  requestedAt: 'requested_at',
  createdAt: 'created_at',
  startedAt: 'started_at',
  finishedAt: 'finished_at',
};

export type RunChanges = Partial<Omit<Run, 'id' | 'version' | 'createdAt'>>;

/** The notification the driver listens for: some run has become due now. */
export const RUN_DUE_CHANNEL = 'runner_run_due';

/** `runs` and `run_steps`: the runner is their only writer. */
@Injectable()
export class RunsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(
    manager: EntityManager,
    run: Partial<Run> & Pick<Run, 'id' | 'projectId' | 'status' | 'triggerType'>,
  ): Promise<void> {
    const entries = Object.entries(run).filter(([, v]) => v !== undefined);
    await manager.query(
      `INSERT INTO runs (${entries.map(([k]) => COLUMNS[k as keyof Run]).join(', ')}) VALUES (${entries.map((_, i) => `$${i + 1}`).join(', ')})`,
      entries.map(([, v]) => v),
    );
    for (const step of ['mirror', 'build', 'deploy'] as StepName[]) {
      await manager.query(`INSERT INTO run_steps (run_id, name, status) VALUES ($1, $2, 'pending')`, [run.id, step]);
    }
  }

  async lock(manager: EntityManager, id: string): Promise<Run | null> {
    const rows = await manager.query(`SELECT * FROM runs WHERE id = $1 FOR UPDATE`, [id]);
    return rows.length ? toRun(rows[0]) : null;
  }

  async find(id: string, manager: EntityManager = this.dataSource.manager): Promise<Run | null> {
    const rows = await manager.query(`SELECT * FROM runs WHERE id = $1`, [id]);
    return rows.length ? toRun(rows[0]) : null;
  }

  /**
   * Applies changes when the run is still at `version` (nobody changed it meanwhile); false
   * otherwise, and the caller reads it again. A run made due now wakes the driver.
   */
  async update(manager: EntityManager, run: Pick<Run, 'id' | 'version'>, changes: RunChanges): Promise<boolean> {
    const entries = Object.entries(changes);
    const set = entries.map(([k], i) => `${COLUMNS[k as keyof Run]} = $${i + 3}`);
    const [, affected] = await manager.query(
      `UPDATE runs SET ${[...set, 'version = version + 1'].join(', ')} WHERE id = $1 AND version = $2`,
      [run.id, run.version, ...entries.map(([, v]) => v)],
    );
    if (affected && changes.nextPollAt && changes.nextPollAt.getTime() <= Date.now()) {
      await manager.query(`SELECT pg_notify('${RUN_DUE_CHANNEL}', '')`);
    }
    return affected > 0;
  }

  async updateNow(run: Pick<Run, 'id' | 'version'>, changes: RunChanges): Promise<boolean> {
    return this.update(this.dataSource.manager, run, changes);
  }

  /** Milliseconds until the earliest scheduled look at any run, at most `max`. */
  async msUntilNextDue(max: number): Promise<number> {
    const [row] = await this.dataSource.query(
      `SELECT EXTRACT(EPOCH FROM (min(next_poll_at) - now())) * 1000 AS ms FROM runs WHERE next_poll_at IS NOT NULL`,
    );
    const ms = row?.ms === null || row?.ms === undefined ? max : Number(row.ms);
    return Math.max(0, Math.min(max, ms));
  }

  async step(manager: EntityManager, runId: string, name: StepName, changes: StepChanges): Promise<void> {
    await manager.query(
      `UPDATE run_steps SET status = COALESCE($3, status), started_at = COALESCE($4, started_at),
         finished_at = COALESCE($5, finished_at), error = COALESCE($6::jsonb, error),
         failed_phase = COALESCE($7, failed_phase), ncp = COALESCE($8::jsonb, ncp)
       WHERE run_id = $1 AND name = $2`,
      [
        runId,
        name,
        changes.status ?? null,
        changes.startedAt ?? null,
        changes.finishedAt ?? null,
        changes.error ? JSON.stringify(changes.error) : null,
        changes.failedPhase ?? null,
        changes.ncp ? JSON.stringify(changes.ncp) : null,
      ],
    );
  }

  /**
   * Claims runs that are due, pushing their next look a lease ahead: another replica will not
   * take them meanwhile, and a replica that dies leaves them due again when the lease runs out.
   */
  async claimDue(limit: number, leaseMs: number): Promise<Run[]> {
    const [rows] = await this.dataSource.query(
      `UPDATE runs SET next_poll_at = now() + ($2 || ' milliseconds')::interval, version = version + 1
        WHERE id IN (SELECT id FROM runs WHERE next_poll_at <= now() ORDER BY next_poll_at LIMIT $1 FOR UPDATE SKIP LOCKED)
        RETURNING *`,
      [limit, String(leaseMs)],
    );
    return (rows as Record<string, unknown>[]).map(toRun);
  }

  /** Serialises run decisions of one project (in the caller's transaction). */
  async lockProject(manager: EntityManager, projectId: string): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [projectId]);
  }

  async newerExists(manager: EntityManager, projectId: string, requestedAt: Date): Promise<boolean> {
    const rows = await manager.query(
      `SELECT 1 FROM runs WHERE project_id = $1 AND requested_at > $2 AND status <> 'cancelled' LIMIT 1`,
      [projectId, requestedAt],
    );
    return rows.length > 0;
  }

  async ofProject(manager: EntityManager, projectId: string, statuses: string[]): Promise<Run[]> {
    const rows = await manager.query(
      `SELECT * FROM runs WHERE project_id = $1 AND status = ANY($2) ORDER BY created_at FOR UPDATE`,
      [projectId, statuses],
    );
    return rows.map(toRun);
  }

  /** Successful deployments of a project, newest first (a rollback's candidates). */
  async succeeded(manager: EntityManager, projectId: string, limit: number): Promise<Run[]> {
    const rows = await manager.query(
      `SELECT * FROM runs WHERE project_id = $1 AND status = 'succeeded' ORDER BY finished_at DESC LIMIT $2`,
      [projectId, limit],
    );
    return rows.map(toRun);
  }

  /** How long this project's recent builds and deploys took: the poll schedule aims at that. */
  async recentDurations(projectId: string): Promise<{ buildMs: number[]; deployMs: number[] }> {
    const rows = await this.dataSource.query(
      `SELECT build_ms, deploy_ms FROM runs WHERE project_id = $1 AND (build_ms IS NOT NULL OR deploy_ms IS NOT NULL)
        ORDER BY created_at DESC LIMIT 5`,
      [projectId],
    );
    return {
      buildMs: rows.map((r: { build_ms: number | null }) => r.build_ms).filter((v: number | null) => v !== null),
      deployMs: rows.map((r: { deploy_ms: number | null }) => r.deploy_ms).filter((v: number | null) => v !== null),
    };
  }
}

export interface StepChanges {
  status?: string;
  startedAt?: Date;
  finishedAt?: Date;
  error?: ErrorInfo;
  failedPhase?: string | null;
  ncp?: Record<string, unknown>;
}

function toRun(r: Record<string, any>): Run {
  const run = {} as Record<string, unknown>;
  for (const [key, column] of Object.entries(COLUMNS)) run[key] = r[column] ?? null;
  run.polls = Number(r.polls ?? 0);
  run.mirrorAttempt = Number(r.mirror_attempt ?? 0);
  run.buildSkipped = Boolean(r.build_skipped);
  run.cancelRequested = Boolean(r.cancel_requested);
  return run as unknown as Run;
}
