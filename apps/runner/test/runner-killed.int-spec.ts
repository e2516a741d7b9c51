import type { ChildProcess } from 'node:child_process';
import { request } from 'undici';
import { pollUntil } from '@klepaas/testing';
import { count } from '../../../test/support/database';
import { pushToGithub } from '../../../test/support/github-push';
import { TestSystem } from './system';

describe('the runner killed with SIGKILL during a build', () => {
  let system: TestSystem;
  let runner: ChildProcess | undefined;

  beforeAll(async () => {
    system = await TestSystem.start({ withRunner: false });
  });

  afterAll(async () => {
    runner?.kill('SIGKILL');
    await system?.stop();
  });

  it('resumes the run after a restart, and completes it once: one build, one deploy', async () => {
    const { repo, project } = await system.readyProject('kill-co', 'app');
    const buildProjectId = project.ncp.sourceBuildProjectId;
    // A build long enough to kill the runner in the middle of it.
    await request(`${system.sandbox.url}/_sandbox/timings`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ projects: { [buildProjectId]: { buildMs: 4000 } } }),
    }).then((r) => r.body.dump());
    runner = system.startRunnerProcess();
    await system.untilRunnerReady(project.id);

    const pushed = await pushToGithub(system.sandbox, system.gateway.url, repo, {
      Dockerfile: 'FROM scratch\n',
    });
    await pollUntil(
      () => system.runOfDelivery(pushed.deliveryId),
      (run) => run?.status === 'building' && run.build_id,
      {
        timeoutMs: 30_000,
        description: 'the build to start',
      },
    );
    runner.kill('SIGKILL');
    await new Promise((resolve) => runner!.once('exit', resolve));
    const atKill = await system.runOfDelivery(pushed.deliveryId);
    expect(atKill.status).toBe('building');

    runner = system.startRunnerProcess();
    const run = await system.untilRunEnds(pushed.deliveryId, 60_000);
    expect(run.status).toBe('succeeded');

    const history = await pollUntil(
      () =>
        count(
          system.infra.databaseUrl,
          `SELECT count(*) AS n FROM rm_timeline WHERE correlation_id = $1 AND event_type = 'RunCompleted'`,
          [run.id],
        ),
      (n) => n >= 1,
    );
    expect(history).toBe(1);
    expect(
      await count(
        system.infra.databaseUrl,
        `SELECT count(*) AS n FROM rm_timeline WHERE correlation_id = $1 AND event_type = 'BuildStarted'`,
        [run.id],
      ),
    ).toBe(1);
    expect(
      await count(
        system.infra.databaseUrl,
        `SELECT count(*) AS n FROM rm_timeline WHERE correlation_id = $1 AND event_type = 'DeployStarted'`,
        [run.id],
      ),
    ).toBe(1);
    // NCP saw exactly one build and one deploy for the project.
    const ncpBuilds = await system.ncpBuildCount(Number(buildProjectId));
    expect(ncpBuilds).toBe(1);
    expect(await system.ncpDeployCount(Number(project.ncp.sourceDeployProjectId))).toBe(1);
  });
});
