import type { RunTrigger } from '@klepaas/contracts';
import type { SkipRule } from '../policy/push-policy';
import type { DesiredState, Pin, RunnerProject } from '../projects/runner-project';
import type { CommitInfo, Lookups, TriggerInput } from './trigger';

/** A run of the project that still counts (queued or active), with what it deploys. */
export interface LiveRun {
  id: string;
  status: string;
  commitSha: string | null;
  replicas: number | null;
}

/** A successful deployment, newest first (by the project's deploy order): rollback's candidates. */
export interface Deployment {
  runId: string;
  commitSha: string;
  commitMessage: string | null;
}

/** A failed run a retry names. */
export interface FailedRun {
  id: string;
  projectId: string;
  status: string;
  commitSha: string | null;
  triggerType: RunTrigger['type'];
}

export interface Situation {
  project: RunnerProject;
  live: LiveRun[];
  deployments?: Deployment[];
  failed?: FailedRun | null;
  now: Date;
}

export type DesiredContent = Omit<DesiredState, 'version'>;

/**
 * What one trigger does to a project. `skip`: an automatic trigger deploys nothing (recorded with
 * the rule); `refuse`: a command cannot run (its promised run ends failed with the reason);
 * `apply`: the desired state and the branch head may change, and a run may start.
 */
export type Decision =
  | { outcome: 'skip'; rule: SkipRule; reason: string; branchHead?: string | null }
  | { outcome: 'refuse'; reason: string }
  | {
      outcome: 'apply';
      desired?: DesiredContent;
      branchHead?: string | null;
      run?: NewRunSpec;
    };

export interface NewRunSpec {
  triggerType: RunTrigger['type'];
  reason: string | null;
  rollbackOf?: string | null;
  retryOf?: string | null;
}

const short = (sha: string | null | undefined) => (sha ? sha.slice(0, 7) : 'none');

/**
 * The superseding table of docs/runner.md as code: given the project, its live runs and what
 * GitHub said, what a trigger changes. Pure, so every row is a unit test.
 */
export function decide(input: TriggerInput, situation: Situation, lookups: Lookups = {}): Decision {
  const { project } = situation;
  const notReady = project.status !== 'ready' ? `the project is ${project.status}, not ready` : null;
  switch (input.kind) {
    case 'push':
    case 'reconcile':
      if (notReady) return skip('project-not-ready', notReady);
      if (!project.settings.autoDeploy)
        return skip('auto-deploy-off', project.autoDeployReason ?? 'auto-deploy is off for this project');
      return input.kind === 'push' ? onPush(input, situation, lookups) : onReconcile(input, situation, lookups);
    case 'release':
      if (notReady) return skip('project-not-ready', notReady);
      if (!project.settings.autoDeploy)
        return skip('auto-deploy-off', project.autoDeployReason ?? 'auto-deploy is off for this project');
      return onRelease(input, situation, lookups);
    case 'manual':
      return notReady ? refuse(notReady) : onManual(input, situation, lookups);
    case 'rollback':
      return notReady ? refuse(notReady) : onRollback(input, situation);
    case 'scale':
      return notReady ? refuse(notReady) : onScale(input, situation);
    case 'retry':
      return notReady ? refuse(notReady) : onRetry(input, situation);
    case 'unpin':
      return onUnpin(input, situation, lookups);
    case 'settings':
      return onReplicasSetting(input, situation);
  }
}

function onPush(input: Extract<TriggerInput, { kind: 'push' }>, s: Situation, lookups: Lookups): Decision {
  const { desired } = s.project;
  if (lookups.refusal) return skip(lookups.refusal.rule, lookups.refusal.reason);
  const head = lookups.head;
  if (!head) return skip('deleted-ref', `branch ${s.project.settings.branch} no longer exists on GitHub`);
  // The branch head deploys, not the push's `after`: a late or replayed old push changes nothing.
  const moved =
    head.sha !== input.commitSha
      ? `the push named ${short(input.commitSha)}; GitHub says the branch head is ${short(head.sha)}`
      : null;
  if (desired.pin) {
    // Only a push that moves the branch away from where it was when the pin was set lifts it:
    // a redelivered or late old push leaves the head where it was.
    if (desired.pinnedHead !== null && head.sha === desired.pinnedHead)
      return skip('pinned', `${pinText(desired.pin)}; a push that moves the branch lifts it`, head.sha);
    return applyCommit(s, head, { triggerType: 'push', reason: ['lifts the pin', moved].filter(Boolean).join('; ') });
  }
  if (head.sha === desired.commitSha) {
    const busy = upToDate(s, head.sha);
    if (busy) return skip('up-to-date', `${short(head.sha)} ${busy}${moved ? ` (${moved})` : ''}`, head.sha);
  }
  return applyCommit(s, head, { triggerType: 'push', reason: moved });
}

function onReconcile(input: Extract<TriggerInput, { kind: 'reconcile' }>, s: Situation, lookups: Lookups): Decision {
  const { desired, branchHead } = s.project;
  const head = lookups.head;
  if (!head) return { outcome: 'apply' };
  // Nothing was missed when GitHub's head is the one a trigger already saw (and decided on).
  if (head.sha === branchHead && desired.commitSha !== null) return { outcome: 'apply' };
  // The reconcile records where the branch is, but never undoes a pin or a policy "no".
  if (desired.pin || lookups.refusal || head.sha === desired.commitSha)
    return { outcome: 'apply', branchHead: head.sha };
  const why = desired.commitSha
    ? `the branch head moved to ${short(head.sha)} and no delivery said so (${input.why})`
    : `the branch head ${short(head.sha)} was never deployed (${input.why})`;
  return applyCommit(s, head, { triggerType: 'reconcile', reason: why });
}

function onRelease(input: Extract<TriggerInput, { kind: 'release' }>, s: Situation, lookups: Lookups): Decision {
  const { desired } = s.project;
  if (input.draft || input.prerelease)
    return skip('prerelease', `release ${input.tag} is a ${input.draft ? 'draft' : 'prerelease'}`);
  const commit = lookups.commit;
  if (!commit) return skip('deleted-ref', `GitHub has no commit for tag ${input.tag}`);
  if (desired.pin) return skip('pinned', `${pinText(desired.pin)}; a push that moves the branch lifts it`);
  if (commit.sha === desired.commitSha) {
    const busy = upToDate(s, commit.sha);
    if (busy) return skip('up-to-date', `${short(commit.sha)} ${busy}`);
  }
  return applyCommit(s, commit, { triggerType: 'release', reason: null }, false);
}

function onManual(input: Extract<TriggerInput, { kind: 'manual' }>, s: Situation, lookups: Lookups): Decision {
  const commit = lookups.commit;
  const named = input.commitSha ?? input.ref ?? s.project.settings.branch;
  if (!commit) return refuse(`GitHub has no commit for ${named}`);
  const head = lookups.head ?? null;
  // Deploying anything but the branch head holds it there, as a rollback does.
  const pin: Pin | null =
    head && commit.sha === head.sha
      ? null
      : {
          by: input.actor,
          reason: `manual deploy of ${short(commit.sha)}`,
          at: s.now.toISOString(),
          runId: input.runId,
        };
  return {
    outcome: 'apply',
    desired: {
      ...contentOf(s.project.desired),
      ...commitOf(commit),
      pin,
      pinnedHead: pin ? (head?.sha ?? null) : null,
    },
    ...(head ? { branchHead: head.sha } : {}),
    run: { triggerType: 'manual', reason: null },
  };
}

function onRollback(input: Extract<TriggerInput, { kind: 'rollback' }>, s: Situation): Decision {
  const deployments = s.deployments ?? [];
  const target = input.deploymentId
    ? deployments.find((d) => d.runId === input.deploymentId)
    : input.commitSha
      ? deployments.find((d) => d.commitSha === input.commitSha)
      : deployments[input.stepsBack ?? 1];
  if (!target) {
    const which = input.deploymentId
      ? `deployment ${input.deploymentId}`
      : input.commitSha
        ? `commit ${short(input.commitSha)}`
        : `${input.stepsBack ?? 1} deployment(s) back`;
    return refuse(`there is no earlier successful deployment of ${which}`);
  }
  const pin: Pin = {
    by: input.actor,
    reason: `rollback to ${short(target.commitSha)}`,
    at: s.now.toISOString(),
    runId: input.runId,
  };
  return {
    outcome: 'apply',
    desired: {
      ...contentOf(s.project.desired),
      commitSha: target.commitSha,
      commitMessage: target.commitMessage,
      pin,
      pinnedHead: s.project.branchHead,
    },
    run: { triggerType: 'rollback', reason: null, rollbackOf: target.runId },
  };
}

function onScale(input: Extract<TriggerInput, { kind: 'scale' }>, s: Situation): Decision {
  if (!s.project.desired.commitSha) return refuse('nothing is deployed yet to scale');
  // Only the replicas change: a newer commit waiting to deploy goes out with them.
  return {
    outcome: 'apply',
    desired: { ...contentOf(s.project.desired), replicas: input.replicas },
    run: { triggerType: 'scale', reason: null },
  };
}

function onRetry(input: Extract<TriggerInput, { kind: 'retry' }>, s: Situation): Decision {
  const failed = s.failed;
  const { desired } = s.project;
  if (!failed || failed.projectId !== s.project.projectId || failed.status !== 'failed')
    return refuse(`run ${input.retryOf} is not a failed run of this project`);
  if (failed.commitSha !== desired.commitSha)
    return refuse(
      `the project should run ${short(desired.commitSha)} now, not ${short(failed.commitSha)}: retrying the older run would deploy over it`,
    );
  const live = s.live.find((r) => r.commitSha === desired.commitSha && r.replicas === desired.replicas);
  if (live) return refuse(`run ${live.id} is already deploying ${short(desired.commitSha)}`);
  return { outcome: 'apply', run: { triggerType: failed.triggerType, reason: null, retryOf: failed.id } };
}

function onUnpin(input: Extract<TriggerInput, { kind: 'unpin' }>, s: Situation, lookups: Lookups): Decision {
  const { desired, settings, status } = s.project;
  if (!desired.pin) return { outcome: 'apply' };
  const unpinned: DesiredContent = { ...contentOf(desired), pin: null, pinnedHead: null };
  const head = lookups.head;
  if (status !== 'ready' || !settings.autoDeploy || !head || head.sha === desired.commitSha)
    return { outcome: 'apply', desired: unpinned, ...(head ? { branchHead: head.sha } : {}) };
  return {
    outcome: 'apply',
    desired: { ...unpinned, ...commitOf(head) },
    branchHead: head.sha,
    run: { triggerType: 'reconcile', reason: `unpinned by ${input.actor}: following ${settings.branch} again` },
  };
}

function onReplicasSetting(input: Extract<TriggerInput, { kind: 'settings' }>, s: Situation): Decision {
  const { desired, status } = s.project;
  if (desired.replicas === input.replicas) return { outcome: 'apply' };
  const next: DesiredContent = { ...contentOf(desired), replicas: input.replicas };
  if (status !== 'ready' || !desired.commitSha) return { outcome: 'apply', desired: next };
  return {
    outcome: 'apply',
    desired: next,
    run: { triggerType: 'reconcile', reason: `the replicas setting changed to ${input.replicas}` },
  };
}

/** Why a commit that is already the desired one needs no new run, or null when it does. */
function upToDate(s: Situation, sha: string): string | null {
  const { desired, deployed } = s.project;
  const live = s.live.find((r) => r.commitSha === sha && r.replicas === desired.replicas);
  if (live) return `is already being deployed by run ${live.id}`;
  if (deployed.commitSha === sha && deployed.replicas === desired.replicas) return 'is already deployed';
  return null;
}

/** The branch (or a release) asks for `commit`: it becomes the desired commit, unpinned. */
function applyCommit(s: Situation, commit: CommitInfo, run: NewRunSpec, isBranchHead = true): Decision {
  return {
    outcome: 'apply',
    desired: { ...contentOf(s.project.desired), ...commitOf(commit), pin: null, pinnedHead: null },
    ...(isBranchHead ? { branchHead: commit.sha } : {}),
    run,
  };
}

function contentOf(desired: DesiredState): DesiredContent {
  const { version: _version, ...content } = desired;
  return content;
}

function commitOf(commit: CommitInfo) {
  return { commitSha: commit.sha, commitMessage: commit.message };
}

function pinText(pin: Pin): string {
  return `the project is pinned (${pin.reason}${pin.by ? ` by ${pin.by}` : ''})`;
}

function skip(rule: SkipRule, reason: string, branchHead?: string | null): Decision {
  return { outcome: 'skip', rule, reason, ...(branchHead !== undefined ? { branchHead } : {}) };
}

function refuse(reason: string): Decision {
  return { outcome: 'refuse', reason };
}

/** True when two desired contents differ (a new version is due). */
export function desiredChanged(before: DesiredState, after: DesiredContent): boolean {
  return (
    before.commitSha !== after.commitSha ||
    before.replicas !== after.replicas ||
    JSON.stringify(before.pin) !== JSON.stringify(after.pin) ||
    before.pinnedHead !== after.pinnedHead
  );
}
