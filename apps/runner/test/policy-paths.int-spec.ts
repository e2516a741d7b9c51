import { pollUntil } from '@klepaas/testing';
import {
  notifyInstallationRepositories,
  notifyPullRequestMerged,
  notifyRelease,
  tagOnGithub,
} from '../../../test/support/github-events';
import { commitToGithub, notifyPush, pushToGithub } from '../../../test/support/github-push';
import { getJson, sendJson } from '../../../test/support/http';
import { createGithubRepository, sandboxPost } from '../../../test/support/sandbox';
import { TestSystem } from './system';

const files = (version: string) => ({ Dockerfile: 'FROM scratch\n', VERSION: `${version}\n` });

describe('the policy paths, end to end', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await TestSystem.start();
  });

  afterAll(async () => {
    await system?.stop();
  });

  const project = (id: string) => getJson(system.api(`/projects/${id}`), system.owner).then((r) => r.body);

  describe('merge-only', () => {
    it('deploys a merge commit into the branch, not one merged into another branch', async () => {
      const { repo, project: p } = await system.readyProject('merge-co', 'app', { mergeOnly: true });
      // A pull request merged into `release`, whose merge commit then lands on main.
      const other = await commitToGithub(system.sandbox, repo, files('1'), { message: 'Merge #1 into release' });
      await notifyPullRequestMerged(system.gateway.url, repo, { number: 1, mergeCommitSha: other, baseRef: 'release' });
      const wrongBase = await notifyPush(system.gateway.url, repo, other, files('1'));
      expect(await system.untilDecided(wrongBase.deliveryId)).toMatchObject({ status: 'skipped', rule: 'merge-only' });

      // One merged into main: the pull_request event comes first, then the push.
      const merge = await commitToGithub(system.sandbox, repo, files('2'), { message: 'Merge #2' });
      await notifyPullRequestMerged(system.gateway.url, repo, { number: 2, mergeCommitSha: merge, baseRef: 'main' });
      const pushed = await notifyPush(system.gateway.url, repo, merge, files('2'));
      expect(await system.untilRunEnds(pushed.deliveryId)).toMatchObject({ status: 'succeeded', commit_sha: merge });
      expect(p.mergeOnly).toBe(true);
    });

    it('decides again when the pull request event comes after the push it merged', async () => {
      const { repo } = await system.readyProject('merge-co', 'late', { mergeOnly: true });
      const merge = await commitToGithub(system.sandbox, repo, files('1'), { message: 'Merge #7' });
      const pushed = await notifyPush(system.gateway.url, repo, merge, files('1'));
      // GitHub does not know the pull request yet either: turned down for now.
      expect(await system.untilDecided(pushed.deliveryId)).toMatchObject({ status: 'skipped', rule: 'merge-only' });
      await notifyPullRequestMerged(system.gateway.url, repo, { number: 7, mergeCommitSha: merge, baseRef: 'main' });
      expect(await system.untilRunEnds(pushed.deliveryId)).toMatchObject({ status: 'succeeded', commit_sha: merge });
      expect(await system.untilDecided(pushed.deliveryId)).toMatchObject({ status: 'run' });
    });
  });

  describe('releases', () => {
    it('deploy the tag’s commit; prereleases and drafts deploy nothing', async () => {
      const { repo, project: p } = await system.readyProject('release-co', 'app', { branch: 'main' });
      const tagged = await commitToGithub(system.sandbox, repo, files('1'), { message: 'v1.0.0' });
      await tagOnGithub(system.sandbox, repo, 'v1.0.0', tagged);
      // The branch moves on after the tag: the release still deploys the tag.
      await commitToGithub(system.sandbox, repo, files('2'), { message: 'after the release' });

      const pre = await notifyRelease(system.gateway.url, repo, 'v1.0.0', { prerelease: true });
      expect(await system.untilDecided(pre.deliveryId)).toMatchObject({ status: 'skipped', rule: 'prerelease' });
      const draft = await notifyRelease(system.gateway.url, repo, 'v1.0.0', { draft: true });
      expect(await system.untilDecided(draft.deliveryId)).toMatchObject({ status: 'skipped', rule: 'prerelease' });

      const published = await notifyRelease(system.gateway.url, repo, 'v1.0.0');
      expect(await system.untilRunEnds(published.deliveryId)).toMatchObject({
        status: 'succeeded',
        trigger_type: 'release',
        commit_sha: tagged,
      });
      expect((await project(p.id)).desired).toMatchObject({ commitSha: tagged });
    });
  });

  describe('pod security', () => {
    it('checks a restricted project’s manifest against the restricted profile', async () => {
      const { repo } = await system.readyProject('psa-co', 'strict', { podSecurity: 'restricted' });
      const manifest = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: psa-co-strict
spec:
  selector:
    matchLabels: { app: psa-co-strict }
  template:
    metadata:
      labels: { app: psa-co-strict }
    spec:
      containers:
        - name: psa-co-strict
          image: placeholder/psa-co-strict:none
`;
      const pushed = await pushToGithub(system.sandbox, system.gateway.url, repo, {
        ...files('1'),
        'k8s/deployment.yaml': manifest,
      });
      const run = await system.untilRunEnds(pushed.deliveryId);
      expect(run).toMatchObject({ status: 'failed', failed_step: 'mirror' });
      expect(run.reason).toMatch(/runAsNonRoot/);
    });
  });

  describe('the App installation removed and added back', () => {
    it('turns auto-deploy off, replaces the installation id, and leaves auto-deploy for the user to turn on', async () => {
      const { repo, project: p } = await system.readyProject('install-co', 'app');
      const first = await pushToGithub(system.sandbox, system.gateway.url, repo, files('1'));
      await system.untilRunEnds(first.deliveryId);

      const removed = await notifyInstallationRepositories(system.gateway.url, repo, repo.installationId!, 'removed');
      expect(removed.status).toBe(202);
      await pollUntil(
        () => project(p.id),
        (v) => v.autoDeploy === false,
        { description: 'auto-deploy off' },
      );
      const skipped = await pushToGithub(system.sandbox, system.gateway.url, repo, files('2'));
      expect(await system.untilDecided(skipped.deliveryId)).toMatchObject({ rule: 'auto-deploy-off' });

      // Added back under another installation (the App was installed again).
      const other = await createGithubRepository(system.sandbox, 'install-co', 'unrelated');
      await sandboxPost(system.sandbox, `/_sandbox/github/repos/${repo.owner}/${repo.name}/installation`, {
        installationId: other.installationId,
      });
      const added = await notifyInstallationRepositories(system.gateway.url, repo, other.installationId!, 'added');
      expect(added.status).toBe(202);
      const back = await pollUntil(
        () => project(p.id),
        (v) => v.installationId === other.installationId,
        { description: 'the new installation id' },
      );
      expect(back).toMatchObject({ autoDeploy: false, reason: expect.stringMatching(/turn auto-deploy on/) });

      // The user turns it on: the commit pushed meanwhile deploys (the reconcile finds it).
      const on = await sendJson('PATCH', system.api(`/projects/${p.id}`), { autoDeploy: true }, system.owner);
      expect(on.status).toBe(202);
      const caughtUp = await pollUntil(
        () => system.runs(p.id),
        (runs) => runs.some((r: any) => r.commit_sha === skipped.sha && r.status === 'succeeded'),
        { description: 'the skipped commit deployed' },
      );
      expect(caughtUp.find((r: any) => r.commit_sha === skipped.sha)).toMatchObject({
        trigger_type: 'reconcile',
        trigger_reason: expect.stringMatching(/auto-deploy was turned on/),
      });
    });
  });
});
