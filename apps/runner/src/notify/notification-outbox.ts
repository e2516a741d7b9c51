import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { KLEPAAS_CONFIG, KlepaasConfig } from '@klepaas/config';
import type { Run, RunStatus } from '../runs/run';
import type { EndedPayload, NotifyKind, NotifyTarget } from './notification';

export const NOTIFY_DUE_CHANNEL = 'klepaas_notify_due';

/**
 * Writes a run's notifications in the transaction that changes the run, keyed (run, target,
 * kind) so a repeated write (a redelivery, a step advanced twice after a restart) is a no-op.
 * GitHub hears of every run that names a commit, from the moment it is queued; Slack of runs that
 * start (one message then, one at the end). The end goes to exactly the targets that heard of
 * the beginning, so no one gets an end without its start.
 */
@Injectable()
export class NotificationOutbox {
  constructor(@Inject(KLEPAAS_CONFIG) private readonly config: KlepaasConfig) {}

  async queued(manager: EntityManager, run: Run): Promise<void> {
    if (run.commitSha) await this.insert(manager, run, ['github'], 'queued');
  }

  async started(manager: EntityManager, run: Run): Promise<void> {
    const targets: NotifyTarget[] = run.commitSha ? ['github'] : [];
    if (this.config.slackWebhookUrl) targets.push('slack-operator');
    const [project] = await manager.query(`SELECT 1 FROM project_slack_destinations WHERE project_id = $1`, [
      run.projectId,
    ]);
    if (project) targets.push('slack-project');
    await this.insert(manager, run, targets, 'started');
  }

  async ended(manager: EntityManager, run: Run, status: RunStatus, reason: string | null): Promise<void> {
    const heard: { target: NotifyTarget }[] = await manager.query(
      `SELECT DISTINCT target FROM run_notifications WHERE run_id = $1`,
      [run.id],
    );
    if (!heard.length) return;
    await this.insert(
      manager,
      run,
      heard.map((h) => h.target),
      'ended',
      ending(status, reason, run),
    );
  }

  private async insert(
    manager: EntityManager,
    run: Run,
    targets: NotifyTarget[],
    kind: NotifyKind,
    payload: Partial<EndedPayload> = {},
  ): Promise<void> {
    if (!targets.length) return;
    const giveUpAt = new Date(Date.now() + this.config.runner.notifyGiveUpMs);
    await manager.query(
      `INSERT INTO run_notifications (run_id, project_id, target, kind, payload, give_up_at)
       SELECT $1, $2, t, $4, $5::jsonb, $6 FROM unnest($3::text[]) AS t
       ON CONFLICT (run_id, target, kind) DO NOTHING`,
      [run.id, run.projectId, targets, kind, JSON.stringify(payload), giveUpAt],
    );
    await manager.query(`SELECT pg_notify('${NOTIFY_DUE_CHANNEL}', '')`);
  }
}

/** succeeded ⇒ success; failed ⇒ failure; superseded or cancelled ⇒ the Deployment inactive, the commit `error`. */
export function ending(status: RunStatus, reason: string | null, run: Pick<Run, 'failedStep'>): EndedPayload {
  switch (status) {
    case 'succeeded':
      return { deploymentState: 'success', commitState: 'success', description: 'deployed' };
    case 'failed':
      return {
        deploymentState: 'failure',
        commitState: 'failure',
        description: `failed${run.failedStep ? ` at ${run.failedStep}` : ''}${reason ? `: ${reason}` : ''}`,
      };
    default:
      return {
        deploymentState: 'inactive',
        commitState: 'error',
        description: `${status}${reason ? `: ${reason}` : ''}`,
      };
  }
}
