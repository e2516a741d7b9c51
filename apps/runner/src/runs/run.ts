import type { RunTrigger } from '@klepaas/contracts';

export type RunStatus =
  'queued' | 'mirroring' | 'building' | 'deploying' | 'succeeded' | 'failed' | 'cancelled' | 'superseded';
export type StepName = 'mirror' | 'build' | 'deploy';
export const ACTIVE: RunStatus[] = ['mirroring', 'building', 'deploying'];
export const FINISHED: RunStatus[] = ['succeeded', 'failed', 'cancelled', 'superseded'];

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
});
