import { randomUUID } from 'node:crypto';
import { createEnvelope, Events } from '@klepaas/contracts';
import { basicAuth, GitCli, remoteBranchHead } from '@klepaas/git';
import { pollUntil } from '@klepaas/testing';
import { count, query } from '../../../test/support/database';
import { commitToGithub, pushToGithub } from '../../../test/support/github-push';
import { postJson, sendJson } from '../../../test/support/http';
import { publishEvents } from '../../../test/support/publish';
import { addFault, clearFaults, sandboxGet } from '../../../test/support/sandbox';
import { TestSystem } from './system';

/**
 * Aimed at the windows random kills miss: a slow mirror job landing late, a start whose answer is
 * lost, a call longer than the lease, a cancel racing a start, a cancel before its run, GitHub
 * failing under merge-only. Short lease, grace and mirror timeout, so each window opens in seconds.
 */
const RUNNER_ENV = {
  KLEPAAS_RUNNER_LEASE_MS: '2000',
  KLEPAAS_RUNNER_ADOPTION_GRACE_MS: '4000',
  KLEPAAS_RUNNER_MIRROR_TIMEOUT_MS: '3000',
};

describe('exactly once at NCP, aimed at each failure window', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await TestSystem.start({ runnerEnv: RUNNER_ENV });
  });

  afterAll(async () => {
    await system?.stop();
  });

  afterEach(async () => {
    await clearFaults(system.sandbox);
  });

  const files = (version: string) => ({ Dockerfile: 'FROM scratch\n', VERSION: `${version}\n` });
  const events = (runId: string, type: string) =>
    count(
      system.infra.databaseUrl,
      `SELECT count(*) AS n FROM rm_timeline WHERE correlation_id = $1 AND event_type = $2`,
      [runId, type],
    );
  const ncpBuilds = async (buildProjectId: number) => {
    const ncp = system.ncp();
    try {
      return await ncp.sourceBuild.listBuildHistory(buildProjectId);
    } finally {
      await ncp.close();
    }
  };
  const hits = async (faultId: string) =>
    (await sandboxGet(system.sandbox, '/_sandbox/faults')).faults.find((f: any) => f.id === faultId).hits;
  const deployBranchHead = async (repository: string) => {
    const ncp = system.ncp();
    try {
      const url = (await ncp.sourceCommit.getRepository(repository)).git!.https!;
      const { sourceCommitUsername: username, sourceCommitPassword: password } = system.sandbox.options;
      return await remoteBranchHead(new GitCli(), url, 'klepaas-deploy', basicAuth(url, { username, password }));
    } finally {
      await ncp.close();
    }
  };

  it('a mirror job that lands after a newer run pushed is refused: the branch keeps the newer commit', async () => {
    const { repo, project } = await system.readyProject('fence-co', 'app');
    const repository = project.ncp.sourceCommitRepository as string;
    // Run A's push to SourceCommit takes 8 s (held before SourceCommit applies it).
    await addFault(system.sandbox, {
      party: 'git',
      effect: 'hold',
      delayMs: 8000,
      method: 'POST',
      path: `${repository}.git/git-receive-pack`,
    });
    const a = await pushToGithub(system.sandbox, system.gateway.url, repo, files('a'));
    const runA = await pollUntil(
      () => system.runOfDelivery(a.deliveryId),
      (r) => r?.status === 'mirroring',
      { description: 'run A mirroring' },
    );
    // B supersedes A, whose mirror never answers in time: A ends, B mirrors, builds and deploys.
    const b = await pushToGithub(system.sandbox, system.gateway.url, repo, files('b'));
    const runB = await system.untilRunEnds(b.deliveryId, 60_000);
    expect(runB).toMatchObject({ status: 'succeeded', commit_sha: b.sha });
    expect((await system.untilEnded(runA.id)).status).toBe('superseded');

    // A's held push comes through afterwards, and is refused by the fence.
    await pollUntil(
      () =>
        query(
          system.infra.databaseUrl,
          `SELECT data FROM rm_timeline WHERE correlation_id = $1 AND event_type = 'MirrorFailed'`,
          [runA.id],
        ),
      (rows) => rows.some((r: any) => r.data?.error?.code === 'superseded'),
      { timeoutMs: 30_000, description: "A's mirror job refused" },
    );
    expect(await deployBranchHead(repository)).toBe(runB.mirrored_commit);
    const build = await sandboxGet(system.sandbox, `/_sandbox/builds/${runB.build_id}`);
    expect(build.sandbox.commit).toBe(runB.mirrored_commit);
    const cluster = await system.cluster();
    const deployment = cluster.deployments.find((d: any) => d.namespace === project.namespace);
    expect(deployment.containers[0].image).toBe(system.imageFor('fence-co-app', b.sha));
  });

  it('a start whose answer is lost is adopted from NCP’s history: one build, one BuildStarted', async () => {
    const { repo, project } = await system.readyProject('lost-co', 'app');
    const buildProjectId = project.ncp.sourceBuildProjectId;
    const fault = await addFault(system.sandbox, {
      party: 'sourcebuild',
      effect: 'drop-answer',
      method: 'POST',
      path: '/build',
      project: buildProjectId,
    });
    const pushed = await pushToGithub(system.sandbox, system.gateway.url, repo, files('1'));
    const run = await system.untilRunEnds(pushed.deliveryId, 60_000);
    expect(run.status).toBe('succeeded');
    expect(await hits(fault.id)).toBe(1);
    const builds = await ncpBuilds(Number(buildProjectId));
    expect(builds.map((b) => b.buildId)).toEqual([run.build_id]);
    expect(await events(run.id, 'BuildStarted')).toBe(1);
  });

  it('a start call longer than the lease is not made twice, with two runners sharing the work', async () => {
    await system.startRunner();
    const { repo, project } = await system.readyProject('lease-co', 'app');
    const buildProjectId = project.ncp.sourceBuildProjectId;
    // Three leases long: without renewal another runner would take the run and start again.
    const fault = await addFault(system.sandbox, {
      party: 'sourcebuild',
      effect: 'hold',
      delayMs: 6000,
      method: 'POST',
      path: '/build',
      project: buildProjectId,
    });
    const pushed = await pushToGithub(system.sandbox, system.gateway.url, repo, files('1'));
    const run = await system.untilRunEnds(pushed.deliveryId, 60_000);
    expect(run.status).toBe('succeeded');
    expect(await hits(fault.id)).toBe(1);
    expect((await ncpBuilds(Number(buildProjectId))).length).toBe(1);
    expect(await events(run.id, 'BuildStarted')).toBe(1);
    expect(await events(run.id, 'DeployStarted')).toBe(1);
  });

  it('a cancel racing a start cancels the build that start made, at NCP', async () => {
    const { repo, project } = await system.readyProject('race-co', 'app');
    const buildProjectId = project.ncp.sourceBuildProjectId;
    await sendTimings(project.ncp.sourceBuildProjectId, 30_000);
    await addFault(system.sandbox, {
      party: 'sourcebuild',
      effect: 'hold',
      delayMs: 3000,
      method: 'POST',
      path: '/build',
      project: buildProjectId,
    });
    const pushed = await pushToGithub(system.sandbox, system.gateway.url, repo, files('1'));
    const asking = await pollUntil(
      () => system.runOfDelivery(pushed.deliveryId),
      (r) => r?.build_requested_at && !r.build_id,
      { description: 'the start of the build under way' },
    );
    expect((await postJson(system.api(`/runs/${asking.id}/cancel`), {}, system.owner)).status).toBe(202);
    expect(await system.untilEnded(asking.id)).toMatchObject({ status: 'cancelled' });
    const builds = await ncpBuilds(Number(buildProjectId));
    expect(builds).toHaveLength(1);
    expect(builds[0].status).toBe('canceled');
  });

  it('a cancel that arrives before its run is honoured when the run appears: nothing reaches NCP', async () => {
    const { repo, project } = await system.readyProject('early-co', 'app');
    await commitToGithub(system.sandbox, repo, files('1'));
    const runId = randomUUID();
    await publishEvents(system.infra.rabbitmqUrl, [
      createEnvelope(
        Events.RunCancelRequested,
        { runId, projectId: project.id, requestedBy: 'owner-1' },
        { correlationId: runId },
      ),
      createEnvelope(
        Events.DeployRequested,
        { runId, projectId: project.id, requestedBy: 'owner-1', ref: 'main', commitSha: null },
        { correlationId: runId },
      ),
    ]);
    expect(await system.untilEnded(runId)).toMatchObject({ status: 'cancelled', reason: 'cancelled by owner-1' });
    expect(await system.ncpBuildCount(Number(project.ncp.sourceBuildProjectId))).toBe(0);
    expect(await system.ncpDeployCount(Number(project.ncp.sourceDeployProjectId))).toBe(0);
  });

  it('GitHub failing under merge-only delays that push only: nothing is parked, other projects deploy', async () => {
    const { repo: merged } = await system.readyProject('slow-gh-co', 'merged', { mergeOnly: true });
    const { repo: plain } = await system.readyProject('slow-gh-co', 'plain');
    await addFault(system.sandbox, {
      party: 'github',
      effect: 'status',
      status: 503,
      path: `/repos/${merged.owner}/${merged.name}/commits/`,
      times: 1_000_000,
    });
    const waiting = await pushToGithub(system.sandbox, system.gateway.url, merged, files('1'));
    const other = await pushToGithub(system.sandbox, system.gateway.url, plain, files('1'));
    expect((await system.untilRunEnds(other.deliveryId)).status).toBe('succeeded');
    const stillWaiting = await query(
      system.infra.databaseUrl,
      `SELECT status, attempts FROM runner_triggers WHERE delivery_id = $1`,
      [waiting.deliveryId],
    );
    expect(stillWaiting[0]).toMatchObject({ status: 'pending' });
    expect(stillWaiting[0].attempts).toBeGreaterThan(0);
    await clearFaults(system.sandbox);
    // GitHub answers again: not a merge commit, so turned down (and decided again if one merges it).
    expect(await system.untilDecided(waiting.deliveryId)).toMatchObject({ status: 'skipped', rule: 'merge-only' });
    expect(await count(system.infra.databaseUrl, `SELECT count(*) AS n FROM parked_messages`)).toBe(0);
  });

  async function sendTimings(buildProjectId: string, buildMs: number) {
    await sendJson('PUT', `${system.sandbox.url}/_sandbox/timings`, { projects: { [buildProjectId]: { buildMs } } });
  }
});
