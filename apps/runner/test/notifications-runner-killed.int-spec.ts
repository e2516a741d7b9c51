import type { ChildProcess } from 'node:child_process';
import { request } from 'undici';
import { pollUntil } from '@klepaas/testing';
import { query } from '../../../test/support/database';
import { pushToGithub } from '../../../test/support/github-push';
import { githubFeedback, slackMessages, untilNotified } from './support/notifications';
import { TestSystem } from './system';

const HOOK = '/services/TKILL/BKILL/kill-secret';

describe('run notifications when the runner is killed with SIGKILL mid-run', () => {
  let system: TestSystem;
  let runner: ChildProcess | undefined;

  beforeAll(async () => {
    system = await TestSystem.start({
      withRunner: false,
      runnerEnv: { KLEPAAS_RUNNER_LEASE_MS: '3000' },
    });
  });

  afterAll(async () => {
    runner?.kill('SIGKILL');
    await system?.stop();
  });

  it('still makes one Deployment with queued, in_progress, success and one Slack start and end', async () => {
    const env = { KLEPAAS_SLACK_WEBHOOK_URL: `${system.sandbox.url}/slack${HOOK}` };
    const { repo, project } = await system.readyProject('notify-kill', 'app');
    await request(`${system.sandbox.url}/_sandbox/timings`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ projects: { [project.ncp.sourceBuildProjectId]: { buildMs: 4000 } } }),
    }).then((r) => r.body.dump());
    runner = system.startRunnerProcess(env);
    await system.untilRunnerReady(project.id);

    const pushed = await pushToGithub(system.sandbox, system.gateway.url, repo, { Dockerfile: 'FROM scratch\n' });
    const building = await pollUntil(
      () => system.runOfDelivery(pushed.deliveryId),
      (run) => run?.status === 'building' && run.build_id,
      { timeoutMs: 30_000, description: 'the build to start' },
    );
    // Killed once the start is announced, with the end still to come.
    await pollUntil(
      () =>
        query(
          system.infra.databaseUrl,
          `SELECT count(*)::int AS n FROM run_notifications WHERE run_id = $1 AND status = 'sent'`,
          [building.id],
        ),
      (rows) => rows[0].n === 3,
      { timeoutMs: 30_000, description: 'the queued and started notifications to be sent' },
    );
    runner.kill('SIGKILL');
    await new Promise((resolve) => runner!.once('exit', resolve));

    runner = system.startRunnerProcess(env);
    const run = await system.untilRunEnds(pushed.deliveryId, 60_000);
    expect(run.status).toBe('succeeded');
    const view = await untilNotified(system, run.id, 5);
    expect(view.notifications.every((n: any) => n.status === 'sent')).toBe(true);

    const { deployments, statuses } = await githubFeedback(system, 'notify-kill/app');
    expect(deployments).toHaveLength(1);
    expect(deployments[0].statuses.map((s: any) => s.state)).toEqual(['queued', 'in_progress', 'success']);
    expect(statuses.map((s: any) => s.state)).toEqual(['pending', 'pending', 'success']);
    const messages = await slackMessages(system, HOOK);
    expect(messages).toHaveLength(2);
  });
});
