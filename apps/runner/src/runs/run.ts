import type { ErrorInfo, RunTrigger } from '@klepaas/contracts';

export type RunStatus =
  'queued' | 'mirroring' | 'building' | 'deploying' | 'succeeded' | 'failed' | 'cancelled' | 'superseded';
export type StepName = 'mirror' | 'build' | 'deploy';
export const ACTIVE: RunStatus[] = ['mirroring', 'building', 'deploying'];
export const FINISHED: RunStatus[] = ['succeeded', 'failed', 'cancelled', 'superseded'];
/** Runs that still count: one may be queued and one active per project. */
export const LIVE: RunStatus[] = ['queued', ...ACTIVE];

/** One run as the runner keeps it: its state, what it has asked NCP for, and when to look again. */
export interface Run {
  id: string;
  projectId: string;
  status: RunStatus;
  reason: string | null;
  failedStep: StepName | null;
  triggerType: RunTrigger['type'];
  deliveryId: string | null;
  ref: string | null;
  commitSha: string | null;
  commitMessage: string | null;
  actor: string | null;
  image: string | null;
  tag: string | null;
  replicas: number | null;
  retryOf: string | null;
  rollbackOf: string | null;
  mirrorAttempt: number;
  mirroredCommit: string | null;
  buildRequestedAt: Date | null;
  buildId: string | null;
  buildSkipped: boolean;
  deployRequestedAt: Date | null;
  deployHistoryId: string | null;
  cancelRequested: boolean;
  stepStartedAt: Date | null;
  stepDeadlineAt: Date | null;
  nextPollAt: Date | null;
  polls: number;
  buildMs: number | null;
  deployMs: number | null;
  version: number;
  /** The desired-state version this run was made for, and its place in the project's deploy order. */
  desiredVersion: number;
  seq: number | null;
  /** Why the runner started this run by itself (reconcile runs). */
  triggerReason: string | null;
  /** A runner holds the run while it works on it; another may take it only after `leaseUntil`. */
  leaseUntil: Date | null;
  leaseToken: string | null;
  /** What NCP's history held before a start was asked: a build or deploy not in it is ours to adopt. */
  buildsBefore: string[] | null;
  deploysBefore: number | null;
  /** The last error the current step met, shown when the step times out. */
  lastError: ErrorInfo | null;
  /** When the trigger happened (the push received, the command given): newer supersedes older. */
  requestedAt: Date;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export const triggerOf = (run: Run): RunTrigger => ({
  type: run.triggerType,
  deliveryId: run.deliveryId,
  commitSha: run.commitSha,
  ref: run.ref,
  actor: run.actor,
  reason: run.triggerReason,
});
