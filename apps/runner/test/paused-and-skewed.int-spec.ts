import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { pollUntil } from '@klepaas/testing';
import { count } from '../../../test/support/database';
import { pushToGithub } from '../../../test/support/github-push';
import { addFault, clearFaults } from '../../../test/support/sandbox';
import { TestSystem } from './system';

type Child = ChildProcess & { output: string };

const SKEWED_CLOCK = ['-r', join(__dirname, '../../../test/support/skewed-clock.js')];
/** Four minutes: far beyond any timestamp comparison's slack, still inside what NCP's and GitHub's signatures allow. */
const MINUTES_BEHIND = { KLEPAAS_TEST_CLOCK_SKEW_MS: String(-4 * 60_000) };
const files = (version: string) => ({ Dockerfile: 'FROM scratch\n', VERSION: `${version}\n` });

/** Services as processes of their own (the built apps): paused at a named step, or with a wrong clock. */
describe('a runner paused past its lease, and services whose clocks are wrong', () => {
  let system: TestSystem;
  const children: Child[] = [];

  const start = (app: string, env: Record<string, string>, nodeArgs: string[] = []) => {
    const child = system.startProcess(app, env, nodeArgs) as Child;
    children.push(child);
    return child;
  };

  afterEach(async () => {
    for (const child of children.splice(0)) {
      child.kill('SIGKILL');
      if (child.exitCode === null && child.signalCode === null) await new Promise((r) => child.once('exit', r));
    }
    await system?.stop();
  });

  it('a runner paused right after NCP started its build loses the run to another runner, which adopts that build', async () => {
    system = await TestSystem.start({
      withRunner: false,
      runnerEnv: { KLEPAAS_RUNNER_LEASE_MS: '2000', KLEPAAS_RUNNER_ADOPTION_GRACE_MS: '10000' },
    });
    const { repo, project } = await system.readyProject('pause-co', 'app');
    const paused = start('runner', {
      KLEPAAS_RUNNER_LEASE_MS: '2000',
      KLEPAAS_RUNNER_ADOPTION_GRACE_MS: '10000',
      KLEPAAS_PAUSE_AT: 'after-build-request',
    });
    await system.untilRunnerReady(project.id);
    const pushed = await pushToGithub(system.sandbox, system.gateway.url, repo, files('1'));
    await pollUntil(
      async () => paused.output,
      (text) => text.includes('pausing at after-build-request'),
      { timeoutMs: 30_000, description: 'the runner to stop after asking for the build' },
    );
    // NCP started the build; its id is stored nowhere. Another runner takes over once the lease runs out.
    await system.startRunner();
    const run = await system.untilRunEnds(pushed.deliveryId, 60_000);
    expect(run.status).toBe('succeeded');

    paused.kill('SIGCONT');
    await pollUntil(
      async () => paused.output,
      (text) => text.includes(`build ${run.build_id} not recorded here`),
      { timeoutMs: 30_000, description: 'the resumed runner to find the run gone' },
    );
    expect(await system.ncpBuildCount(Number(project.ncp.sourceBuildProjectId))).toBe(1);
    const started = await count(
      system.infra.databaseUrl,
      `SELECT count(*) AS n FROM rm_timeline WHERE correlation_id = $1 AND event_type = 'BuildStarted'`,
      [run.id],
    );
    expect(started).toBe(1);
  });

  it('a provisioner minutes behind: its project still becomes ready, everywhere, and deploys', async () => {
    system = await TestSystem.start({ withProvisioner: false });
    start('provisioner', MINUTES_BEHIND, SKEWED_CLOCK);
    const { repo, project } = await system.readyProject('clock-co', 'late-provisioner');
    const pushed = await pushToGithub(system.sandbox, system.gateway.url, repo, files('1'));
    expect(await system.untilRunEnds(pushed.deliveryId)).toMatchObject({ status: 'succeeded' });
    expect(project.status).toBe('ready');
  });

  it('a runner minutes behind adopts the build it asked for, never an older one of the project', async () => {
    system = await TestSystem.start({ withRunner: false, runnerEnv: { KLEPAAS_RUNNER_ADOPTION_GRACE_MS: '10000' } });
    const { repo, project } = await system.readyProject('clock-co', 'late-runner');
    start('runner', MINUTES_BEHIND, SKEWED_CLOCK);
    await system.untilRunnerReady(project.id);
    const first = await pushToGithub(system.sandbox, system.gateway.url, repo, files('1'));
    const firstRun = await system.untilRunEnds(first.deliveryId);
    expect(firstRun.status).toBe('succeeded');

    await addFault(system.sandbox, {
      party: 'sourcebuild',
      effect: 'drop-answer',
      method: 'POST',
      path: '/build',
      project: project.ncp.sourceBuildProjectId,
    });
    const second = await pushToGithub(system.sandbox, system.gateway.url, repo, files('2'));
    const secondRun = await system.untilRunEnds(second.deliveryId, 60_000);
    await clearFaults(system.sandbox);
    expect(secondRun).toMatchObject({ status: 'succeeded', commit_sha: second.sha });
    expect(secondRun.build_id).not.toBe(firstRun.build_id);
    expect(await system.ncpBuildCount(Number(project.ncp.sourceBuildProjectId))).toBe(2);
    const deployment = await system.deployment(project.namespace, 'clock-co-late-runner');
    expect(deployment?.containers[0].image ?? null).toBe(system.imageFor('clock-co-late-runner', second.sha));
  });
});
