import type { SkipRule } from '../policy/push-policy';

/**
 * What asks a project to change, as it waits in the project's trigger queue (`runner_triggers`).
 * Each kind says what it needs GitHub to tell before it can be decided (see trigger-lookups.ts).
 */
export type TriggerInput =
  | {
      kind: 'push';
      deliveryId: string;
      /** The push's `after`: what it claimed; the branch head GitHub reports is what deploys. */
      commitSha: string;
      commitMessage: string | null;
      ref: string;
      actor: string | null;
    }
  | {
      kind: 'release';
      deliveryId: string;
      tag: string;
      prerelease: boolean;
      draft: boolean;
      actor: string | null;
    }
  | { kind: 'reconcile'; why: string }
  | { kind: 'manual'; runId: string; ref: string | null; commitSha: string | null; actor: string }
  | {
      kind: 'rollback';
      runId: string;
      deploymentId: string | null;
      commitSha: string | null;
      stepsBack: number | null;
      actor: string;
    }
  | { kind: 'scale'; runId: string; replicas: number; actor: string }
  | { kind: 'retry'; runId: string; retryOf: string; actor: string }
  | { kind: 'unpin'; actor: string }
  | { kind: 'settings'; replicas: number };

export type TriggerKind = TriggerInput['kind'];

/** A trigger as the queue holds it. */
export interface QueuedTrigger {
  seq: number;
  projectId: string;
  input: TriggerInput;
  causationId: string | null;
  attempts: number;
  giveUpAt: Date | null;
  createdAt: Date;
}

/** A commit as GitHub reports it. */
export interface CommitInfo {
  sha: string;
  message: string | null;
}

/** What GitHub said for a trigger, gathered before the decision (which makes no call itself). */
export interface Lookups {
  /** The project branch's head now (null: the branch does not exist). */
  head?: CommitInfo | null;
  /** The commit a manual deploy or a release names (null: there is none). */
  commit?: CommitInfo | null;
  /** The ETag of GitHub's answer about the head, for the next conditional look. */
  etag?: string | null;
  /** For a push or reconcile: why the policy says no, if it does. */
  refusal?: { rule: SkipRule; reason: string } | null;
}

/** Triggers that carry the id of a run the gateway already promised the user. */
export function promisedRunId(input: TriggerInput): string | null {
  return 'runId' in input ? input.runId : null;
}

export function deliveryIdOf(input: TriggerInput): string | null {
  return 'deliveryId' in input ? input.deliveryId : null;
}
