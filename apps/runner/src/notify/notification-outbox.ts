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
 * start (one message then, one at the end). The end is written for every target that has an
 * earlier row (whose fate may still be open), and the worker sends it only where one of those was
 * sent, skipping it elsewhere: no one gets an end without its start.
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
    const newer = status === 'superseded' ? await supersedingCommit(manager, reason) : null;
    await this.insert(
      manager,
      run,
      heard.map((h) => h.target),
      'ended',
      ending(status, reason, run, newer),
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

const SUPERSEDED_BY_RUN = /^superseded by run ([0-9a-f-]{36})$/;

/** The commit of the run that superseded this one, when the reason names that run and it has one. */
async function supersedingCommit(manager: EntityManager, reason: string | null): Promise<string | null> {
  const runId = reason?.match(SUPERSEDED_BY_RUN)?.[1];
  if (!runId) return null;
  const [row] = await manager.query(`SELECT commit_sha FROM runs WHERE id = $1`, [runId]);
  return row?.commit_sha ?? null;
}

/**
 * succeeded ⇒ success; failed ⇒ failure; superseded or cancelled ⇒ the Deployment inactive, the
 * commit `error` (GitHub has no neutral final state, and nothing was deployed), its description
 * saying so and naming the newer commit that superseded it when there is one.
 */
export function ending(
  status: RunStatus,
  reason: string | null,
  run: Pick<Run, 'failedStep' | 'commitSha'>,
  newerCommit: string | null = null,
): EndedPayload {
  switch (status) {
    case 'succeeded':
      return { deploymentState: 'success', commitState: 'success', description: 'deployed' };
    case 'failed':
      return {
        deploymentState: 'failure',
        commitState: 'failure',
        description: `failed${run.failedStep ? ` at ${run.failedStep}` : ''}${reason ? `: ${reason}` : ''}`,
      };
    case 'superseded':
      return {
        deploymentState: 'inactive',
        commitState: 'error',
        description:
          newerCommit && newerCommit !== run.commitSha
            ? `superseded by a newer commit ${newerCommit.slice(0, 7)}, not deployed`
            : `superseded, not deployed${reason ? `: ${reason}` : ''}`,
      };
    default:
      return {
        deploymentState: 'inactive',
        commitState: 'error',
        description: `${status}, not deployed${reason ? `: ${reason}` : ''}`,
      };
  }
}
