import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Notification, NotifyStatus, toNotification } from './notification';

/**
 * The worker's side of `run_notifications`: claims due rows with a lease (SKIP LOCKED, so
 * several runners share them and none sends a row another holds), in order per run and target
 * (a row waits while an earlier one of its run and target is still pending), and records what
 * became of each, fenced by the lease token.
 */
@Injectable()
export class NotificationStore {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * One due row at a time: its lease then covers only its own send (renewed before every call,
   * see NotificationLease), never a queue of other rows waiting behind it.
   */
  async claimNext(leaseMs: number, token: string): Promise<Notification | null> {
    const [row] = await this.claimDue(1, leaseMs, token);
    return row ?? null;
  }

  private async claimDue(limit: number, leaseMs: number, token: string): Promise<Notification[]> {
    const [rows] = await this.dataSource.query(
      `UPDATE run_notifications SET lease_until = now() + ($2 || ' milliseconds')::interval, lease_token = $3,
              attempts = attempts + 1
        WHERE id IN (
          SELECT n.id FROM run_notifications n
           WHERE n.status = 'pending' AND n.next_attempt_at <= now()
             AND (n.lease_until IS NULL OR n.lease_until < now())
             AND NOT EXISTS (SELECT 1 FROM run_notifications e
                              WHERE e.run_id = n.run_id AND e.target = n.target AND e.id < n.id AND e.status = 'pending')
           ORDER BY n.id LIMIT $1 FOR UPDATE SKIP LOCKED)
        RETURNING *`,
      [limit, String(leaseMs), token],
    );
    return (rows as Record<string, unknown>[])
      .map(toNotification)
      .sort((a: Notification, b: Notification) => Number(a.id) - Number(b.id));
  }

  /**
   * Milliseconds until the next pending row is due (at most `max`). A row waiting behind an
   * earlier one of its run and target does not count: it is due only once that one is settled.
   */
  async msUntilNextDue(max: number): Promise<number> {
    const [row] = await this.dataSource.query(
      `SELECT GREATEST(0, EXTRACT(EPOCH FROM (min(GREATEST(n.next_attempt_at, COALESCE(n.lease_until, n.next_attempt_at))) - now())) * 1000)::int AS ms
         FROM run_notifications n
        WHERE n.status = 'pending'
          AND NOT EXISTS (SELECT 1 FROM run_notifications e
                           WHERE e.run_id = n.run_id AND e.target = n.target AND e.id < n.id AND e.status = 'pending')`,
    );
    return row?.ms === null || row?.ms === undefined ? max : Math.min(max, row.ms);
  }

  /** The row's final outcome; false when the lease was lost (another runner has it now). */
  async finish(n: Notification, status: Exclude<NotifyStatus, 'pending'>, error: string | null): Promise<boolean> {
    const [, affected] = await this.dataSource.query(
      `UPDATE run_notifications SET status = $3, last_error = $4, finished_at = now(), lease_until = NULL, lease_token = NULL
        WHERE id = $1 AND lease_token = $2 RETURNING id`,
      [n.id, n.leaseToken, status, error],
    );
    return affected > 0;
  }

  /** Pushes the lease to now + leaseMs if this runner still holds it; false when it was lost. */
  async renew(n: Notification, leaseMs: number): Promise<boolean> {
    const [, affected] = await this.dataSource.query(
      `UPDATE run_notifications SET lease_until = now() + ($3 || ' milliseconds')::interval
        WHERE id = $1 AND lease_token = $2 AND status = 'pending' RETURNING id`,
      [n.id, n.leaseToken, String(leaseMs)],
    );
    return affected > 0;
  }

  /** Whether an earlier row of the run and target reached it (an end is sent only after something was). */
  async earlierSent(n: Notification): Promise<boolean> {
    const [row] = await this.dataSource.query(
      `SELECT 1 FROM run_notifications WHERE run_id = $1 AND target = $2 AND id < $3 AND status = 'sent' LIMIT 1`,
      [n.runId, n.target, n.id],
    );
    return Boolean(row);
  }

  /** Tried again at `at`, keeping the error for the run view meanwhile. */
  async retryAt(n: Notification, at: Date, error: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE run_notifications SET next_attempt_at = $3, last_error = $4, lease_until = NULL, lease_token = NULL
        WHERE id = $1 AND lease_token = $2`,
      [n.id, n.leaseToken, at, error],
    );
  }

  /** Pending rows, for the backlog gauge. */
  async backlog(): Promise<number> {
    const [row] = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM run_notifications WHERE status = 'pending'`,
    );
    return row?.n ?? 0;
  }

  async deploymentOf(runId: string): Promise<number | null> {
    const [row] = await this.dataSource.query(`SELECT deployment_id FROM run_github_deployments WHERE run_id = $1`, [
      runId,
    ]);
    return row ? Number(row.deployment_id) : null;
  }

  /** Keeps the first id recorded for a run (a second writer loses), and answers the one kept. */
  async keepDeployment(runId: string, deploymentId: number): Promise<number> {
    await this.dataSource.query(
      `INSERT INTO run_github_deployments (run_id, deployment_id) VALUES ($1, $2) ON CONFLICT (run_id) DO NOTHING`,
      [runId, deploymentId],
    );
    return (await this.deploymentOf(runId)) ?? deploymentId;
  }
}
