import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { SkipRule } from '../policy/push-policy';
import { deliveryIdOf, promisedRunId, QueuedTrigger, TriggerInput } from './trigger';

/** The notification the trigger worker listens for: a project has a trigger to decide. */
export const TRIGGER_DUE_CHANNEL = 'runner_trigger_due';

/** How long a trigger that needs GitHub waits for it before it is skipped (or refused). */
export const GITHUB_GIVE_UP_MS = 5 * 60_000;
/** A reconcile gives up sooner: the next one comes anyway. */
export const RECONCILE_GIVE_UP_MS = 60_000;

/** The trigger worker lost its claim on a project meanwhile: nothing it decided is kept. */
export class TriggerLeaseLost extends Error {}

/**
 * `runner_triggers`: each project's triggers, decided strictly in the order they arrived (a
 * rollback must not jump a push that came before it). A project's queue is worked on by one
 * runner at a time, which holds a lease on it (`runner_projects.trigger_lease_*`).
 */
@Injectable()
export class TriggerQueue {
  constructor(private readonly dataSource: DataSource) {}

  /** Adds a trigger (a second one for the same delivery or promised run changes nothing). */
  async enqueue(
    manager: EntityManager,
    projectId: string,
    input: TriggerInput,
    causationId: string | null,
    giveUpAfterMs?: number,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO runner_triggers (project_id, kind, delivery_id, run_id, causation_id, status, input, give_up_at)
       VALUES ($1, $2, $3, $4, $5, 'pending', $6::jsonb, CASE WHEN $7::bigint IS NULL THEN NULL
         ELSE now() + ($7::bigint || ' milliseconds')::interval END)
       ON CONFLICT DO NOTHING`,
      [
        projectId,
        input.kind,
        deliveryIdOf(input),
        promisedRunId(input),
        causationId,
        JSON.stringify(input),
        giveUpAfterMs ?? null,
      ],
    );
    await manager.query(`SELECT pg_notify('${TRIGGER_DUE_CHANNEL}', '')`);
  }

  /** Claims a project whose oldest pending trigger is due and whose queue nobody holds. */
  async claimProject(token: string, leaseMs: number, busy: string[]): Promise<string | null> {
    const [rows] = await this.dataSource.query(
      `UPDATE runner_projects SET trigger_lease_until = now() + ($2 || ' milliseconds')::interval, trigger_lease_token = $1
        WHERE project_id = (
          SELECT p.project_id FROM runner_projects p
           JOIN LATERAL (SELECT t.seq, t.next_attempt_at FROM runner_triggers t
                          WHERE t.project_id = p.project_id AND t.status = 'pending' ORDER BY t.seq LIMIT 1) first ON true
          WHERE first.next_attempt_at <= now()
            AND (p.trigger_lease_until IS NULL OR p.trigger_lease_until < now())
            AND p.project_id <> ALL($3::uuid[])
          ORDER BY first.seq LIMIT 1 FOR UPDATE OF p SKIP LOCKED)
        RETURNING project_id`,
      [token, String(leaseMs), busy],
    );
    return rows.length ? (rows[0].project_id as string) : null;
  }

  async renew(projectId: string, token: string, leaseMs: number): Promise<boolean> {
    const [, affected] = await this.dataSource.query(
      `UPDATE runner_projects SET trigger_lease_until = now() + ($3 || ' milliseconds')::interval
        WHERE project_id = $1 AND trigger_lease_token = $2`,
      [projectId, token, String(leaseMs)],
    );
    return affected > 0;
  }

  async release(projectId: string, token: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE runner_projects SET trigger_lease_until = NULL, trigger_lease_token = NULL
        WHERE project_id = $1 AND trigger_lease_token = $2`,
      [projectId, token],
    );
  }

  /** The project's oldest pending trigger, or null. */
  async oldestPending(projectId: string): Promise<(QueuedTrigger & { due: boolean }) | null> {
    const rows = await this.dataSource.query(
      `SELECT *, next_attempt_at <= now() AS due FROM runner_triggers
        WHERE project_id = $1 AND status = 'pending' ORDER BY seq LIMIT 1`,
      [projectId],
    );
    return rows.length ? { ...toTrigger(rows[0]), due: rows[0].due } : null;
  }

  /** Records the decision, in the deciding transaction, only while this runner still holds the queue. */
  async decided(
    manager: EntityManager,
    trigger: QueuedTrigger,
    token: string,
    status: 'applied' | 'skipped',
    rule: SkipRule | null = null,
    reason: string | null = null,
  ): Promise<void> {
    const [, affected] = await manager.query(
      `UPDATE runner_triggers SET status = $3, rule = $4, reason = $5, decided_at = now()
        WHERE seq = $1 AND status = 'pending'
          AND EXISTS (SELECT 1 FROM runner_projects WHERE project_id = $2 AND trigger_lease_token = $6)`,
      [trigger.seq, trigger.projectId, status, rule, reason, token],
    );
    if (!affected) throw new TriggerLeaseLost(`the trigger queue of ${trigger.projectId} was taken over`);
  }

  /** Tries the trigger again later (GitHub did not answer). */
  async retryLater(trigger: QueuedTrigger, delayMs: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE runner_triggers SET attempts = attempts + 1, next_attempt_at = now() + ($2 || ' milliseconds')::interval
        WHERE seq = $1 AND status = 'pending'`,
      [trigger.seq, String(delayMs)],
    );
  }

  /** Pushes that merge-only turned down for `sha` are decided again (its pull request merged since). */
  async reopenMergeWaits(manager: EntityManager, githubRepositoryId: number, sha: string): Promise<number> {
    const [, affected] = await manager.query(
      `UPDATE runner_triggers t SET status = 'pending', rule = NULL, reason = NULL, attempts = 0, next_attempt_at = now(),
         decided_at = NULL
        FROM runner_projects p
        WHERE t.project_id = p.project_id AND p.github_repository_id = $1 AND t.kind = 'push'
          AND t.rule = 'merge-only' AND t.input->>'commitSha' = $2 AND t.created_at > now() - interval '1 day'`,
      [githubRepositoryId, sha],
    );
    if (affected) await manager.query(`SELECT pg_notify('${TRIGGER_DUE_CHANNEL}', '')`);
    return affected;
  }

  /** Milliseconds until some project's queue can be claimed (a trigger due, its queue not held), at most `max`. */
  async msUntilNextDue(max: number): Promise<number> {
    const [row] = await this.dataSource.query(
      `SELECT EXTRACT(EPOCH FROM (min(GREATEST(t.next_attempt_at, COALESCE(p.trigger_lease_until, t.next_attempt_at)))
         - now())) * 1000 AS ms
         FROM runner_triggers t JOIN runner_projects p ON p.project_id = t.project_id WHERE t.status = 'pending'`,
    );
    const ms = row?.ms === null || row?.ms === undefined ? max : Number(row.ms);
    return Math.max(0, Math.min(max, ms));
  }
}

function toTrigger(r: Record<string, any>): QueuedTrigger {
  return {
    seq: Number(r.seq),
    projectId: r.project_id,
    input: r.input as TriggerInput,
    causationId: r.causation_id,
    attempts: Number(r.attempts),
    giveUpAt: r.give_up_at,
    createdAt: r.created_at,
  };
}
