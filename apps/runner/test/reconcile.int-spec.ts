import { pollUntil } from '@klepaas/testing';
import { commitToGithub, notifyPush } from '../../../test/support/github-push';
import { TestSystem } from './system';

/** Looks at every project's branch each second (five minutes by default). */
const RUNNER_ENV = { KLEPAAS_RECONCILE_INTERVAL_MS: '1000' };

describe('the reconcile: pushes no webhook announced still deploy', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await TestSystem.start({ runnerEnv: RUNNER_ENV });
  });

  afterAll(async () => {
    await system?.stop();
  });

  const runs = (projectId: string) => system.runs(projectId);

  it('deploys nothing a push would not have: a [skip ci] head is only noted', async () => {
    const { repo, project } = await system.readyProject('missed-co', 'quiet');
    const sha = await commitToGithub(
      system.sandbox,
      repo,
      { Dockerfile: 'FROM scratch\n' },
      { message: 'docs [skip ci]' },
    );
    const noted = await pollUntil(
      () => system.runnerProject(project.id),
      (p) => p.branch_head === sha,
      { timeoutMs: 30_000, description: 'the reconcile to see the head' },
    );
    expect(noted.desired_commit_sha).toBeNull();
    expect(await runs(project.id)).toEqual([]);
  });

  // Last: it stops the gateway.
  it('deploys a commit pushed while the gateway was stopped, with trigger reconcile and the reason', async () => {
    const { repo, project } = await system.readyProject('missed-co', 'app');
    const gateway = system.services.shift()!;
    await gateway.close();
    const sha = await commitToGithub(system.sandbox, repo, { Dockerfile: 'FROM scratch\n' }, { message: 'hotfix' });
    // GitHub tries to deliver the push and fails: nothing listens.
    await expect(notifyPush(gateway.url, repo, sha, {})).rejects.toThrow();

    const deployed = await pollUntil(
      () => runs(project.id),
      (rows) => rows.some((r: any) => r.commit_sha === sha && r.status === 'succeeded'),
      { timeoutMs: 30_000, description: 'the missed commit deployed' },
    );
    expect(deployed.find((r: any) => r.commit_sha === sha)).toMatchObject({
      trigger_type: 'reconcile',
      delivery_id: null,
      trigger_reason: expect.stringMatching(/no delivery said so|was never deployed/),
      commit_message: 'hotfix',
    });
    const image = system.imageFor('missed-co-app', sha);
    const cluster = await system.cluster();
    expect(cluster.deployments.find((d: any) => d.namespace === project.namespace).containers[0].image).toBe(image);
  });
});
