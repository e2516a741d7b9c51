import type { EntityManager } from 'typeorm';
import type { ErrorInfo } from '@klepaas/contracts';

export type StepName = 'mirror' | 'build' | 'deploy';
export const STEP_NAMES: StepName[] = ['mirror', 'build', 'deploy'];

export type RunStatus =
  'queued' | 'mirroring' | 'building' | 'deploying' | 'succeeded' | 'failed' | 'cancelled' | 'superseded';
export type FinalRunStatus = 'succeeded' | 'failed' | 'cancelled' | 'superseded';
export const FINAL_RUN_STATUSES: readonly RunStatus[] = ['succeeded', 'failed', 'cancelled', 'superseded'];
export const isFinal = (status: RunStatus) => FINAL_RUN_STATUSES.includes(status);

/** What a step event says: the step's new status and whatever it learnt (NCP ids, the error). */
export interface StepChange {
  status: 'running' | 'succeeded' | 'failed';
  error?: ErrorInfo | null;
  failedPhase?: string | null;
  ncp?: Record<string, unknown>;
}

/** The run as the step writers need it (its final status decides what is left of its steps). */
export interface SettledRun {
  id: string;
  status: RunStatus;
  reason: string | null;
  failedStep: StepName | null;
  finishedAt: Date | string | null;
}

/**
 * `rm_run_steps` (history writes it). A step event applies only if it is not older than the event
 * that last changed the step (events of one run can arrive out of order). What the end of a run
 * implies for its steps (left pending: skipped; still running: cancelled or skipped) never moves
 * that clock, so a step event that was merely late still lands, and is settled again after.
 */
export class RunSteps {
  async createPending(manager: EntityManager, runId: string, at: string): Promise<void> {
    await manager.query(
      `INSERT INTO rm_run_steps (run_id, name, status, updated_at)
       SELECT $1, name, 'pending', $3 FROM unnest($2::text[]) AS name
       ON CONFLICT (run_id, name) DO NOTHING`,
      [runId, STEP_NAMES, at],
    );
  }

  async change(manager: EntityManager, runId: string, name: StepName, at: string, change: StepChange): Promise<void> {
    const ncp = change.ncp ? JSON.stringify(change.ncp) : null;
    await manager.query(
      `UPDATE rm_run_steps SET status = $3,
         started_at = CASE WHEN $3 = 'running' THEN COALESCE(started_at, $4::timestamptz) ELSE started_at END,
         finished_at = CASE WHEN $3 = 'running' THEN NULL ELSE $4::timestamptz END,
         error = $5::jsonb,
         failed_phase = $6,
         ncp = CASE WHEN $7::jsonb IS NULL THEN ncp ELSE COALESCE(ncp, '{}'::jsonb) || $7::jsonb END,
         updated_at = $4
       WHERE run_id = $1 AND name = $2 AND updated_at <= $4`,
      [
        runId,
        name,
        change.status,
        at,
        change.error ? JSON.stringify(change.error) : null,
        change.failedPhase ?? null,
        ncp,
      ],
    );
    // An older event that came late changes no status, but still says when the step started and
    // names NCP ids not known yet (what newer events said wins).
    await manager.query(
      `UPDATE rm_run_steps SET
         started_at = CASE WHEN $3 = 'running' THEN LEAST(COALESCE(started_at, $4::timestamptz), $4::timestamptz)
                      ELSE started_at END,
         ncp = CASE WHEN $5::jsonb IS NULL THEN ncp ELSE $5::jsonb || COALESCE(ncp, '{}'::jsonb) END
       WHERE run_id = $1 AND name = $2 AND updated_at > $4`,
      [runId, name, change.status, at, ncp],
    );
  }

  /** Marks a step skipped if nothing has started it. */
  async skipIfPending(manager: EntityManager, runId: string, name: StepName): Promise<void> {
    await manager.query(
      `UPDATE rm_run_steps SET status = 'skipped' WHERE run_id = $1 AND name = $2 AND status = 'pending'`,
      [runId, name],
    );
  }

  /**
   * The steps of a finished run, as the runner leaves them: the failed step failed (with the
   * run's reason when its own event has not said more), the others still running cancelled (a
   * cancelled or superseded run) or skipped, the pending ones skipped.
   */
  async settle(manager: EntityManager, run: SettledRun): Promise<void> {
    if (!isFinal(run.status)) return;
    if (run.status === 'failed' && run.failedStep) {
      await manager.query(
        `UPDATE rm_run_steps SET status = 'failed', finished_at = $3, error = COALESCE(error, $4::jsonb)
          WHERE run_id = $1 AND name = $2 AND status IN ('pending', 'running')`,
        [run.id, run.failedStep, run.finishedAt, JSON.stringify({ message: run.reason ?? 'the step failed' })],
      );
    }
    const leftover = run.status === 'cancelled' || run.status === 'superseded' ? 'cancelled' : 'skipped';
    await manager.query(
      `UPDATE rm_run_steps
          SET status = CASE WHEN status = 'running' THEN $2 ELSE 'skipped' END,
              finished_at = CASE WHEN status = 'running' AND $2 = 'cancelled' THEN $3::timestamptz ELSE finished_at END
        WHERE run_id = $1 AND status IN ('pending', 'running')`,
      [run.id, leftover, run.finishedAt],
    );
  }
}
