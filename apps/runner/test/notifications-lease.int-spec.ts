import type { ChildProcess } from 'node:child_process';
import { pollUntil } from '@klepaas/testing';
import { pushToGithub } from '../../../test/support/github-push';
import { addFault, clearFaults } from '../../../test/support/sandbox';
import { githubFeedback, slackMessages, untilNotified } from './support/notifications';
import { TestSystem } from './system';

type Child = ChildProcess & { output: string };

const HOOK = '/services/TLEASE/BLEASE/lease-secret';
const LEASE = { KLEPAAS_RUNNER_LEASE_MS: '2000' };
const app = { Dockerfile: 'FROM scratch\n' };
const isStart = (m: any) => String(m.body?.text ?? '').includes('Deploying');

/**
 * The window between an external call and the row being marked, and two runners on one row:
 * a runner stopped (SIGSTOP) right after its call loses the row to another runner, and a stalled
 * GitHub or Slack (slower than the lease) does not hand the row to a second runner at all.
 */
describe('run notifications across the lease', () => {
  let system: TestSystem;
  const children: Child[] = [];
  const slackEnv = () => ({ KLEPAAS_SLACK_WEBHOOK_URL: `${system.sandbox.url}/slack${HOOK}` });

  afterEach(async () => {
    await clearFaults(system.sandbox).catch(() => undefined);
    for (const child of children.splice(0)) {
      child.kill('SIGKILL');
      if (child.exitCode === null && child.signalCode === null) await new Promise((r) => child.once('exit', r));
    }
    await system?.stop();
  });

  /** A runner process that stops at `point` (the first time), before marking the row. */
  async function pausedAt(point: string, owner: string) {
    system = await TestSystem.start({ withRunner: false, runnerEnv: LEASE });
    const { repo, project } = await system.readyProject(owner, 'app');
    const paused = system.startRunnerProcess({ ...slackEnv(), KLEPAAS_PAUSE_AT: point }) as Child;
    children.push(paused);
    await system.untilRunnerReady(project.id);
    const pushed = await pushToGithub(system.sandbox, system.gateway.url, repo, app);
    await pollUntil(
      async () => paused.output,
      (text) => text.includes(`pausing at ${point}`),
      { timeoutMs: 30_000, description: `the runner to stop at ${point}` },
    );
    return { pushed, paused };
  }

  async function resumeAndSeeItYield(paused: Child) {
    paused.kill('SIGCONT');
    await pollUntil(
      async () => paused.output,
      (text) => text.includes('the lease went to another runner, left to it'),
      { timeoutMs: 30_000, description: 'the resumed runner to find its row taken' },
    );
  }

  it('a runner stopped after GitHub made the Deployment, before its id was kept: the next runner adopts it by its payload', async () => {
    const { pushed, paused } = await pausedAt('after-github-deployment-create', 'lease-adopt');
    expect((await githubFeedback(system, 'lease-adopt/app')).deployments).toHaveLength(1);

    await system.startRunner(slackEnv());
    const run = await system.untilRunEnds(pushed.deliveryId, 60_000);
    expect(run.status).toBe('succeeded');
    const view = await untilNotified(system, run.id, 5);
    expect(view.notifications.every((n: any) => n.status === 'sent')).toBe(true);
    await resumeAndSeeItYield(paused);

    const { deployments, statuses } = await githubFeedback(system, 'lease-adopt/app');
    expect(deployments).toHaveLength(1);
    expect(deployments[0].payload).toMatchObject({ klepaasRunId: run.id });
    expect(deployments[0].statuses.map((s: any) => s.state)).toEqual(['queued', 'in_progress', 'success']);
    expect(statuses.map((s: any) => s.state)).toEqual(['pending', 'pending', 'success']);
  });

  it('a runner stopped after its GitHub calls, before marking the row: the next runner sends no second Deployment or state', async () => {
    const { pushed, paused } = await pausedAt('after-notify-send-github', 'lease-gh');
    // GitHub has the Deployment and its `queued`; the row is still pending under a lease that runs out.
    expect((await githubFeedback(system, 'lease-gh/app')).deployments).toHaveLength(1);

    await system.startRunner(slackEnv());
    const run = await system.untilRunEnds(pushed.deliveryId, 60_000);
    expect(run.status).toBe('succeeded');
    const view = await untilNotified(system, run.id, 5);
    expect(view.notifications.every((n: any) => n.status === 'sent')).toBe(true);
    expect(view.notifications.find((n: any) => n.target === 'github' && n.kind === 'queued').attempts).toBe(2);
    await resumeAndSeeItYield(paused);

    const { deployments, statuses } = await githubFeedback(system, 'lease-gh/app');
    expect(deployments).toHaveLength(1);
    expect(deployments[0].statuses.map((s: any) => s.state)).toEqual(['queued', 'in_progress', 'success']);
    // The retaken row repeats its commit status: harmless, GitHub shows the newest per context.
    expect(statuses.map((s: any) => s.state)).toEqual(['pending', 'pending', 'pending', 'success']);
    expect(await slackMessages(system, HOOK)).toHaveLength(2);
  });

  it('a runner stopped after Slack took the start, before marking the row: the documented repeat, and no more', async () => {
    const { pushed, paused } = await pausedAt('after-notify-send-slack-operator', 'lease-slack');
    await system.startRunner(slackEnv());
    const run = await system.untilRunEnds(pushed.deliveryId, 60_000);
    expect(run.status).toBe('succeeded');
    const view = await untilNotified(system, run.id, 5);
    expect(view.notifications.every((n: any) => n.status === 'sent')).toBe(true);
    await resumeAndSeeItYield(paused);

    // Slack cannot be asked what it got: the start went twice (docs/notifications.md, "Slack"),
    // the end once; the resumed runner sent nothing more.
    const messages = await slackMessages(system, HOOK);
    expect(messages.filter(isStart)).toHaveLength(2);
    expect(messages.filter((m) => !isStart(m))).toHaveLength(1);
    const { deployments } = await githubFeedback(system, 'lease-slack/app');
    expect(deployments).toHaveLength(1);
    expect(deployments[0].statuses.map((s: any) => s.state)).toEqual(['queued', 'in_progress', 'success']);
  });

  it('several runners, GitHub and Slack slower than the lease: the row stays with the runner sending it (each sent once)', async () => {
    system = await TestSystem.start({ withRunner: false, runnerEnv: LEASE });
    // Three: while one waits on GitHub and one on Slack, the third is free to take a row whose lease ran out.
    for (let i = 0; i < 3; i++) await system.startRunner(slackEnv());
    const { repo } = await system.readyProject('lease-slow', 'app');
    // Each well past the 2 s lease, still inside one call's 10 s timeout.
    await addFault(system.sandbox, {
      party: 'github',
      effect: 'hold',
      delayMs: 5000,
      method: 'POST',
      path: '/repos/lease-slow/app/deployments',
    });
    await addFault(system.sandbox, { party: 'slack', effect: 'delay-answer', delayMs: 5000, path: HOOK });

    const pushed = await pushToGithub(system.sandbox, system.gateway.url, repo, app);
    const run = await system.untilRunEnds(pushed.deliveryId, 60_000);
    expect(run.status).toBe('succeeded');
    const view = await untilNotified(system, run.id, 5);
    expect(view.notifications.map((n: any) => [n.target, n.kind, n.status, n.attempts])).toEqual([
      ['github', 'queued', 'sent', 1],
      ['github', 'started', 'sent', 1],
      ['slack-operator', 'started', 'sent', 1],
      ['github', 'ended', 'sent', 1],
      ['slack-operator', 'ended', 'sent', 1],
    ]);

    const { deployments, statuses } = await githubFeedback(system, 'lease-slow/app');
    expect(deployments).toHaveLength(1);
    expect(deployments[0].statuses.map((s: any) => s.state)).toEqual(['queued', 'in_progress', 'success']);
    expect(statuses.map((s: any) => s.state)).toEqual(['pending', 'pending', 'success']);
    const messages = await slackMessages(system, HOOK);
    expect(messages.filter(isStart)).toHaveLength(1);
    expect(messages.filter((m) => !isStart(m))).toHaveLength(1);
  });
});
