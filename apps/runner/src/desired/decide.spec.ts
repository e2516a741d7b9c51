import { aProject } from '../../test/support/runner-project';
import { decide, Situation } from './decide';
import type { TriggerInput } from './trigger';

const sha = (c: string) => c.repeat(40);
const [A, B, C] = [sha('a'), sha('b'), sha('c')];
const now = new Date('2026-12-06T12:00:00Z');
const push = (after: string): TriggerInput => ({
  kind: 'push',
  deliveryId: 'd-1',
  commitSha: after,
  commitMessage: 'change',
  ref: 'refs/heads/main',
  actor: 'dev',
});
const head = (s: string) => ({ head: { sha: s, message: `commit ${s.slice(0, 1)}` } });
const pin = { by: 'ops', reason: `rollback to ${A.slice(0, 7)}`, at: now.toISOString(), runId: null };

/** The project runs A with 1 replica; B is on the branch (and desired unless said otherwise). */
const situation = (overrides: Parameters<typeof aProject>[0] = {}, rest: Partial<Situation> = {}): Situation => ({
  project: aProject({
    desired: { version: 3, commitSha: B, commitMessage: 'b', replicas: 1 },
    deployed: { commitSha: A, replicas: 1, runId: 'run-a', seq: 1 },
    branchHead: B,
    ...overrides,
  }),
  live: [],
  now,
  ...rest,
});

describe('decide: the superseding table (docs/runner.md)', () => {
  describe('push', () => {
    it('makes the branch head GitHub reports the desired commit, and starts a run', () => {
      const d = decide(push(C), situation(), head(C));
      expect(d).toMatchObject({
        outcome: 'apply',
        desired: { commitSha: C, replicas: 1, pin: null },
        branchHead: C,
        run: { triggerType: 'push', reason: null },
      });
    });

    it('deploys the head, not the push’s after, when the branch has moved on (a late push)', () => {
      const d = decide(
        push(B),
        situation({ desired: { commitSha: A }, deployed: { commitSha: A, replicas: 1, runId: 'a', seq: 1 } }),
        head(C),
      );
      expect(d).toMatchObject({
        outcome: 'apply',
        desired: { commitSha: C },
        run: { reason: expect.stringMatching(/branch head is cccccc/) },
      });
    });

    it('changes nothing when the head is already deployed (a replayed delivery, whatever its id)', () => {
      const s = situation({ desired: { commitSha: A }, branchHead: A });
      expect(decide(push(A), s, head(A))).toMatchObject({ outcome: 'skip', rule: 'up-to-date' });
    });

    it('changes nothing when a live run is already deploying the head', () => {
      const s = situation({}, { live: [{ id: 'run-b', status: 'building', commitSha: B, replicas: 1 }] });
      expect(decide(push(B), s, head(B))).toMatchObject({
        outcome: 'skip',
        rule: 'up-to-date',
        reason: expect.stringMatching(/run-b/),
      });
    });

    it('deploys the desired head again when its last attempt failed (nothing deploys it now)', () => {
      expect(decide(push(B), situation(), head(B))).toMatchObject({ outcome: 'apply', run: { triggerType: 'push' } });
    });

    it('is held by a pin while the branch stays where it was when the pin was set', () => {
      const s = situation({ desired: { commitSha: A, pin, pinnedHead: B } });
      expect(decide(push(B), s, head(B))).toMatchObject({ outcome: 'skip', rule: 'pinned' });
    });

    it('lifts the pin when it moves the branch head', () => {
      const s = situation({ desired: { commitSha: A, pin, pinnedHead: B } });
      expect(decide(push(C), s, head(C))).toMatchObject({
        outcome: 'apply',
        desired: { commitSha: C, pin: null, pinnedHead: null },
        run: { triggerType: 'push', reason: 'lifts the pin' },
      });
    });

    it('records the rule when merge-only says no, or the branch is gone, or the project cannot deploy', () => {
      const refusal = { rule: 'merge-only' as const, reason: 'not a merge commit' };
      expect(decide(push(C), situation(), { refusal })).toMatchObject({ outcome: 'skip', rule: 'merge-only' });
      expect(decide(push(C), situation(), { head: null })).toMatchObject({ outcome: 'skip', rule: 'deleted-ref' });
      expect(decide(push(C), situation({ status: 'deleting' }), head(C))).toMatchObject({ rule: 'project-not-ready' });
      expect(decide(push(C), situation({ settings: { autoDeploy: false } }), head(C))).toMatchObject({
        rule: 'auto-deploy-off',
      });
    });
  });

  describe('release', () => {
    const release = (extra: Partial<{ prerelease: boolean; draft: boolean }> = {}): TriggerInput => ({
      kind: 'release',
      deliveryId: 'd-2',
      tag: 'v1.0.0',
      prerelease: false,
      draft: false,
      actor: 'dev',
      ...extra,
    });

    it('deploys the tag’s commit without moving the branch head it knows', () => {
      const d = decide(release(), situation(), { commit: { sha: C, message: 'v1' } });
      expect(d).toMatchObject({ outcome: 'apply', desired: { commitSha: C }, run: { triggerType: 'release' } });
      expect(d).not.toHaveProperty('branchHead');
    });

    it('skips prereleases, drafts, and pinned projects', () => {
      const commit = { commit: { sha: C, message: 'v1' } };
      expect(decide(release({ prerelease: true }), situation(), commit)).toMatchObject({ rule: 'prerelease' });
      expect(decide(release({ draft: true }), situation(), commit)).toMatchObject({ rule: 'prerelease' });
      expect(decide(release(), situation({ desired: { pin, pinnedHead: B } }), commit)).toMatchObject({
        rule: 'pinned',
      });
    });
  });

  describe('reconcile', () => {
    const reconcile: TriggerInput = { kind: 'reconcile', why: 'periodic check' };

    it('does nothing when GitHub’s head is the one a trigger already saw', () => {
      expect(decide(reconcile, situation(), head(B))).toEqual({ outcome: 'apply' });
    });

    it('deploys a head no delivery announced, with trigger reconcile and the reason', () => {
      expect(decide(reconcile, situation(), head(C))).toMatchObject({
        outcome: 'apply',
        desired: { commitSha: C },
        branchHead: C,
        run: { triggerType: 'reconcile', reason: expect.stringMatching(/no delivery said so/) },
      });
    });

    it('deploys the branch head of a project that never deployed', () => {
      const s = situation({ desired: { commitSha: null }, branchHead: null });
      expect(decide(reconcile, s, head(C))).toMatchObject({ run: { triggerType: 'reconcile' } });
    });

    it('never undoes a pin or a policy "no": it only records where the branch is', () => {
      const pinned = situation({ desired: { commitSha: A, pin, pinnedHead: B } });
      expect(decide(reconcile, pinned, head(C))).toEqual({ outcome: 'apply', branchHead: C });
      const refusal = { rule: 'skip-ci' as const, reason: '[skip ci]' };
      expect(decide(reconcile, situation(), { ...head(C), refusal })).toEqual({ outcome: 'apply', branchHead: C });
    });
  });

  describe('commands', () => {
    it('manual deploy of the branch head follows the branch (no pin)', () => {
      const input: TriggerInput = { kind: 'manual', runId: 'r-1', ref: 'main', commitSha: null, actor: 'ops' };
      expect(decide(input, situation(), { commit: { sha: C, message: 'c' }, ...head(C) })).toMatchObject({
        outcome: 'apply',
        desired: { commitSha: C, pin: null },
        run: { triggerType: 'manual' },
      });
    });

    it('manual deploy of an older commit pins it, holding against the current head', () => {
      const input: TriggerInput = { kind: 'manual', runId: 'r-1', ref: null, commitSha: A, actor: 'ops' };
      expect(decide(input, situation(), { commit: { sha: A, message: 'a' }, ...head(B) })).toMatchObject({
        desired: { commitSha: A, pin: { by: 'ops', runId: 'r-1' }, pinnedHead: B },
      });
      expect(decide(input, situation(), { commit: null, ...head(B) })).toMatchObject({ outcome: 'refuse' });
    });

    it('rollback pins the earlier deployment and names it; with nothing to roll back to it refuses', () => {
      const input: TriggerInput = {
        kind: 'rollback',
        runId: 'r-2',
        deploymentId: null,
        commitSha: null,
        stepsBack: null,
        actor: 'ops',
      };
      const deployments = [
        { runId: 'run-b', commitSha: B, commitMessage: 'b' },
        { runId: 'run-a', commitSha: A, commitMessage: 'a' },
      ];
      expect(decide(input, situation({}, { deployments }))).toMatchObject({
        outcome: 'apply',
        desired: { commitSha: A, pin: { reason: expect.stringMatching(/rollback/) }, pinnedHead: B },
        run: { triggerType: 'rollback', rollbackOf: 'run-a' },
      });
      expect(decide(input, situation({}, { deployments: deployments.slice(0, 1) }))).toMatchObject({
        outcome: 'refuse',
        reason: expect.stringMatching(/no earlier successful deployment/),
      });
    });

    it('scale changes only the replicas: a newer commit waiting to deploy goes out with them', () => {
      const input: TriggerInput = { kind: 'scale', runId: 'r-3', replicas: 4, actor: 'ops' };
      expect(decide(input, situation())).toMatchObject({
        outcome: 'apply',
        desired: { commitSha: B, replicas: 4 },
        run: { triggerType: 'scale' },
      });
      expect(decide(input, situation({ desired: { commitSha: null } }))).toMatchObject({ outcome: 'refuse' });
    });

    it('retry re-attempts the desired state, never an older run’s commit over it', () => {
      const input: TriggerInput = { kind: 'retry', runId: 'r-4', retryOf: 'run-x', actor: 'ops' };
      const failed = (commitSha: string) => ({
        id: 'run-x',
        projectId: aProject().projectId,
        status: 'failed',
        commitSha,
        triggerType: 'push' as const,
      });
      expect(decide(input, situation({}, { failed: failed(B) }))).toMatchObject({
        outcome: 'apply',
        run: { triggerType: 'push', retryOf: 'run-x' },
      });
      expect(decide(input, situation({}, { failed: failed(A) }))).toMatchObject({
        outcome: 'refuse',
        reason: expect.stringMatching(/would deploy over it/),
      });
      const live = [{ id: 'run-y', status: 'queued', commitSha: B, replicas: 1 }];
      expect(decide(input, situation({}, { failed: failed(B), live }))).toMatchObject({ outcome: 'refuse' });
    });

    it('unpin follows the branch again: the head deploys when it is not what the pin held', () => {
      const s = situation({ desired: { commitSha: A, pin, pinnedHead: B } });
      expect(decide({ kind: 'unpin', actor: 'ops' }, s, head(C))).toMatchObject({
        outcome: 'apply',
        desired: { commitSha: C, pin: null },
        run: { triggerType: 'reconcile', reason: expect.stringMatching(/unpinned by ops/) },
      });
      expect(decide({ kind: 'unpin', actor: 'ops' }, situation(), head(C))).toEqual({ outcome: 'apply' });
    });

    it('a new replicas setting is applied by a run when something is deployed', () => {
      expect(decide({ kind: 'settings', replicas: 3 }, situation())).toMatchObject({
        desired: { replicas: 3 },
        run: { triggerType: 'reconcile', reason: expect.stringMatching(/replicas setting/) },
      });
      expect(decide({ kind: 'settings', replicas: 3 }, situation({ desired: { commitSha: null } }))).toEqual({
        outcome: 'apply',
        desired: expect.objectContaining({ replicas: 3 }),
      });
    });

    it('refuses every command while the project is not ready', () => {
      const s = situation({ status: 'deleting' });
      expect(decide({ kind: 'scale', runId: 'r', replicas: 2, actor: 'ops' }, s)).toMatchObject({ outcome: 'refuse' });
    });
  });
});
