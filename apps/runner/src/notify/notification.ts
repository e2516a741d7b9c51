/** Who a run's notification goes to: GitHub (Deployment + commit status), the operator's or the project's Slack. */
export type NotifyTarget = 'github' | 'slack-operator' | 'slack-project';
/** The moment of the run it tells about. Slack hears of `started` and `ended` only. */
export type NotifyKind = 'queued' | 'started' | 'ended';
export type NotifyStatus = 'pending' | 'sent' | 'failed' | 'skipped';

/** How a run ended, as GitHub's Deployment and commit status say it. */
export interface EndedPayload {
  deploymentState: 'success' | 'failure' | 'inactive' | 'error';
  commitState: 'success' | 'failure' | 'error';
  description: string;
}

/** One row of `run_notifications`. */
export interface Notification {
  id: string;
  runId: string;
  projectId: string;
  target: NotifyTarget;
  kind: NotifyKind;
  payload: Partial<EndedPayload>;
  attempts: number;
  giveUpAt: Date;
  leaseToken: string | null;
}

export function toNotification(row: Record<string, any>): Notification {
  return {
    id: String(row.id),
    runId: row.run_id,
    projectId: row.project_id,
    target: row.target,
    kind: row.kind,
    payload: row.payload ?? {},
    attempts: row.attempts,
    giveUpAt: row.give_up_at,
    leaseToken: row.lease_token,
  };
}
