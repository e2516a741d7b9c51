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
  desiredVersion: 'desired_version',
  seq: 'seq',
  triggerReason: 'trigger_reason',
  leaseUntil: 'lease_until',
  leaseToken: 'lease_token',
  buildsBefore: 'builds_before',
  deploysBefore: 'deploys_before',
  lastError: 'last_error',
  requestedAt: 'requested_at',
  createdAt: 'created_at',
  startedAt: 'started_at',
  finishedAt: 'finished_at',
};

export type RunChanges = Partial<Omit<Run, 'id' | 'version' | 'createdAt' | 'leaseUntil' | 'leaseToken'>>;

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
   * Applies changes when the run still has the status the caller decided on (under the row's lock
   * or the caller's lease), and, for a driver (`holder`: its lease token), only while it still
   * holds the run: a runner that lost its lease (paused, too slow) writes nothing. False
   * otherwise, and the caller reads the run again. A run made due now wakes the driver.
   */
  async update(
    manager: EntityManager,
    run: Pick<Run, 'id' | 'status'>,
    changes: RunChanges,
    holder?: string | null,
  ): Promise<boolean> {
    const entries = Object.entries(changes).map(([k, v]) => [k, jsonColumn(k) ? JSON.stringify(v) : v] as const);
    const set = entries.map(([k], i) => `${COLUMNS[k as keyof Run]} = $${i + 4}`);
    const [, affected] = await manager.query(
      `UPDATE runs SET ${[...set, 'version = version + 1'].join(', ')}
        WHERE id = $1 AND status = $2 AND ($3::uuid IS NULL OR lease_token = $3::uuid)`,
      [run.id, run.status, holder ?? null, ...entries.map(([, v]) => v)],
    );
    if (affected && changes.nextPollAt && changes.nextPollAt.getTime() <= Date.now()) {
      await manager.query(`SELECT pg_notify('${RUN_DUE_CHANNEL}', '')`);
    }
    return affected > 0;
  }

  async updateNow(run: Pick<Run, 'id' | 'status'>, changes: RunChanges, holder?: string | null): Promise<boolean> {
    return this.update(this.dataSource.manager, run, changes, holder);
  }

  /** Milliseconds until some run can be claimed (due and not held), at most `max`. */
  async msUntilNextDue(max: number): Promise<number> {
    const [row] = await this.dataSource.query(
      `SELECT EXTRACT(EPOCH FROM (min(GREATEST(next_poll_at, COALESCE(lease_until, next_poll_at))) - now())) * 1000 AS ms
         FROM runs WHERE next_poll_at IS NOT NULL`,
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
   * Claims runs that are due and held by nobody (their lease ran out or was given back), except
   * those this process is still advancing: each gets this claim's lease token. The lease is a
   * separate column from the next poll time, so a wake-up (a cancel) cannot shorten it.
   */
  async claimDue(limit: number, leaseMs: number, token: string, busy: string[]): Promise<Run[]> {
    const [rows] = await this.dataSource.query(
      `UPDATE runs SET lease_until = now() + ($2 || ' milliseconds')::interval, lease_token = $3, version = version + 1
        WHERE id IN (SELECT id FROM runs WHERE next_poll_at <= now() AND (lease_until IS NULL OR lease_until < now())
                       AND id <> ALL($4::uuid[])
                     ORDER BY next_poll_at LIMIT $1 FOR UPDATE SKIP LOCKED)
        RETURNING *`,
      [limit, String(leaseMs), token, busy],
    );
    return (rows as Record<string, unknown>[]).map(toRun);
  }

  /** Extends a lease this runner holds; false when it holds it no more. */
  async renewLease(id: string, token: string, leaseMs: number): Promise<boolean> {
    const [, affected] = await this.dataSource.query(
      `UPDATE runs SET lease_until = now() + ($3 || ' milliseconds')::interval WHERE id = $1 AND lease_token = $2`,
      [id, token, String(leaseMs)],
    );
    return affected > 0;
  }

  /** Gives a run back: due again at its next poll time, for whichever runner comes first. */
  async releaseLease(id: string, token: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE runs SET lease_until = NULL, lease_token = NULL WHERE id = $1 AND lease_token = $2`,
      [id, token],
    );
  }

  /** Serialises run decisions of one project (in the caller's transaction). */
  async lockProject(manager: EntityManager, projectId: string): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [projectId]);
  }

  async ofProject(manager: EntityManager, projectId: string, statuses: string[]): Promise<Run[]> {
    const rows = await manager.query(
      `SELECT * FROM runs WHERE project_id = $1 AND status = ANY($2) ORDER BY created_at FOR UPDATE`,
      [projectId, statuses],
    );
    return rows.map(toRun);
  }

  /** Successful deployments of a project, newest first by its deploy order (a rollback's candidates). */
  async succeeded(manager: EntityManager, projectId: string, limit: number): Promise<Run[]> {
    const rows = await manager.query(
      `SELECT * FROM runs WHERE project_id = $1 AND status = 'succeeded' AND commit_sha IS NOT NULL
        ORDER BY seq DESC NULLS LAST, finished_at DESC LIMIT $2`,
      [projectId, limit],
    );
    return rows.map(toRun);
  }

  /** How long this project's recent builds and deploys took: the poll schedule aims at that. */
  /**
   * How long this project's recent builds and deploys took (the poll schedule aims at that); for
   * a project with none yet, how long the whole installation's recent ones took, so a first build
   * is looked at around when builds here usually end, not after a fixed guess.
   */
  async recentDurations(projectId: string): Promise<{ buildMs: number[]; deployMs: number[] }> {
    const own = toDurations(
      await this.dataSource.query(
        `SELECT build_ms, deploy_ms FROM runs WHERE project_id = $1 AND (build_ms IS NOT NULL OR deploy_ms IS NOT NULL)
          ORDER BY created_at DESC LIMIT 5`,
        [projectId],
      ),
    );
    if (own.buildMs.length && own.deployMs.length) return own;
    const fleet = await this.fleetDurations();
    return {
      buildMs: own.buildMs.length ? own.buildMs : fleet.buildMs,
      deployMs: own.deployMs.length ? own.deployMs : fleet.deployMs,
    };
  }

  private fleet?: { at: number; durations: Promise<{ buildMs: number[]; deployMs: number[] }> };

  /** The installation's last fifty durations, read at most every half minute. */
  private fleetDurations(): Promise<{ buildMs: number[]; deployMs: number[] }> {
    if (!this.fleet || Date.now() - this.fleet.at > 30_000) {
      const durations = this.dataSource
        .query(
          `SELECT build_ms, deploy_ms FROM runs WHERE build_ms IS NOT NULL OR deploy_ms IS NOT NULL
            ORDER BY created_at DESC LIMIT 50`,
        )
        .then(toDurations);
      this.fleet = { at: Date.now(), durations };
      durations.catch(() => (this.fleet = undefined));
    }
    return this.fleet.durations;
  }
}

function toDurations(rows: { build_ms: number | null; deploy_ms: number | null }[]) {
  return {
    buildMs: rows.map((r) => r.build_ms).filter((v): v is number => v !== null),
    deployMs: rows.map((r) => r.deploy_ms).filter((v): v is number => v !== null),
  };
}

export interface StepChanges {
  status?: string;
  startedAt?: Date;
  finishedAt?: Date;
  error?: ErrorInfo;
  failedPhase?: string | null;
  ncp?: Record<string, unknown>;
}

const JSON_COLUMNS: (keyof Run)[] = ['buildsBefore', 'lastError'];
const jsonColumn = (key: string) => JSON_COLUMNS.includes(key as keyof Run);

function toRun(r: Record<string, any>): Run {
  const run = {} as Record<string, unknown>;
  for (const [key, column] of Object.entries(COLUMNS)) run[key] = r[column] ?? null;
  run.polls = Number(r.polls ?? 0);
  run.mirrorAttempt = Number(r.mirror_attempt ?? 0);
  run.buildSkipped = Boolean(r.build_skipped);
  run.cancelRequested = Boolean(r.cancel_requested);
  run.desiredVersion = Number(r.desired_version ?? 0);
  run.seq = r.seq === null || r.seq === undefined ? null : Number(r.seq);
  run.deploysBefore = r.deploys_before === null || r.deploys_before === undefined ? null : Number(r.deploys_before);
  return run as unknown as Run;
}
