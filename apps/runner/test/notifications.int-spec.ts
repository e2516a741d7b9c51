import { request } from 'undici';
import { pollUntil } from '@klepaas/testing';
import { commitToGithub, notifyPush, pushToGithub } from '../../../test/support/github-push';
import { getJson, sendJson } from '../../../test/support/http';
import { githubFeedback, slackMessages, untilNotified } from './support/notifications';
import { TestSystem } from './system';

const app = { Dockerfile: 'FROM scratch\n' };
const OPERATOR_HOOK = '/services/TOPERATOR/BOPERATOR/operator-secret';

function fault(system: TestSystem, rule: Record<string, unknown>) {
  return request(`${system.sandbox.url}/_sandbox/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(rule),
  }).then((r) => r.body.json() as Promise<{ id: string }>);
}

describe('run notifications: GitHub Deployments and commit statuses, Slack', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await TestSystem.start({ withRunner: false });
    // Two runners, as two replicas: they share the outbox, and nothing is sent twice.
    for (let i = 0; i < 2; i++)
      await system.startRunner({
        KLEPAAS_SLACK_WEBHOOK_URL: `${system.sandbox.url}/slack${OPERATOR_HOOK}`,
        KLEPAAS_NOTIFY_GIVE_UP_MS: '8000',
      });
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('sends one Deployment (queued, in_progress, success), one commit status sequence and one Slack start and end', async () => {
    const { repo, project } = await system.readyProject('notify-co', 'shop');
    const projectHook = `/services/TPROJECT/BPROJECT/project-secret-${project.id.slice(0, 8)}`;
    const patched = await sendJson(
      'PATCH',
      system.api(`/projects/${project.id}`),
      { slackWebhookUrl: `${system.sandbox.url}/slack${projectHook}` },
      system.owner,
    );
    expect(patched.status).toBe(202);
    expect(patched.body.slackWebhookUrl).toBe(`${system.sandbox.url}/slack/services/TPROJECT/BPROJECT/…`);
    const shown = await getJson(system.api(`/projects/${project.id}`), system.owner);
    expect(shown.body.slackWebhookUrl).toBe(patched.body.slackWebhookUrl);
    expect(JSON.stringify(shown.body)).not.toContain('project-secret');

    const pushed = await pushToGithub(system.sandbox, system.gateway.url, repo, app, { message: 'feat: cart\n\nbody' });
    const ended = await system.untilEnded((await system.untilDecided(pushed.deliveryId)).runId);
    expect(ended.status).toBe('succeeded');
    const view = await untilNotified(system, ended.id, 7);
    expect(view.notifications.map((n: any) => [n.target, n.kind, n.status])).toEqual([
      ['github', 'queued', 'sent'],
      ['github', 'started', 'sent'],
      ['slack-operator', 'started', 'sent'],
      ['slack-project', 'started', 'sent'],
      ['github', 'ended', 'sent'],
      ['slack-operator', 'ended', 'sent'],
      ['slack-project', 'ended', 'sent'],
    ]);

    const { deployments, statuses } = await githubFeedback(system, 'notify-co/shop');
    expect(deployments).toHaveLength(1);
    expect(deployments[0]).toMatchObject({
      sha: pushed.sha,
      environment: 'production',
      production: true,
      transient: false,
      payload: { klepaasRunId: ended.id },
    });
    expect(deployments[0].statuses.map((s: any) => s.state)).toEqual(['queued', 'in_progress', 'success']);
    expect(deployments[0].statuses[0].logUrl).toMatch(new RegExp(`/api/v1/runs/${ended.id}$`));
    expect(statuses.map((s: any) => [s.context, s.state])).toEqual([
      ['klepaas/deploy', 'pending'],
      ['klepaas/deploy', 'pending'],
      ['klepaas/deploy', 'success'],
    ]);

    for (const hook of [OPERATOR_HOOK, projectHook]) {
      const messages = await slackMessages(system, hook);
      expect(messages).toHaveLength(2);
      const [start, end] = messages.map((m) => JSON.stringify(m.body));
      expect(start).toContain('Deploying notify-co/shop');
      expect(start).toContain(pushed.sha.slice(0, 7));
      expect(start).toContain('feat: cart');
      expect(start).not.toContain('body');
      expect(end).toContain('Deployed notify-co/shop');
      expect(end).toContain(`/api/v1/runs/${ended.id}`);
      expect(end).toContain(ended.image);
      // No secret in any message: neither webhook's token.
      expect(start + end).not.toMatch(/operator-secret|project-secret/);
    }

    // The runners count their sends by target and outcome.
    const metrics = await Promise.all(
      system.services
        .filter((s) => s.config.app === 'runner')
        .map((s) => request(`${s.url}/metrics`).then((r) => r.body.text())),
    );
    expect(metrics.join('\n')).toMatch(/klepaas_notifications_total\{target="github",outcome="sent"\} [1-9]/);
  });

  it('refuses a Slack URL that is not a Slack incoming webhook, and removes one with null', async () => {
    const { project } = await system.readyProject('notify-co', 'strict');
    for (const url of [
      'http://169.254.169.254/latest/meta-data',
      'https://example.com/services/T/B/x',
      'file:///etc/passwd',
    ]) {
      const res = await sendJson(
        'PATCH',
        system.api(`/projects/${project.id}`),
        { slackWebhookUrl: url },
        system.owner,
      );
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toContain('slackWebhookUrl');
    }
    const set = await sendJson(
      'PATCH',
      system.api(`/projects/${project.id}`),
      { slackWebhookUrl: 'https://hooks.slack.com/services/T1/B1/very-secret' },
      system.owner,
    );
    expect(set.body.slackWebhookUrl).toBe('https://hooks.slack.com/services/T1/B1/…');
    const cleared = await sendJson(
      'PATCH',
      system.api(`/projects/${project.id}`),
      { slackWebhookUrl: null },
      system.owner,
    );
    expect(cleared.status).toBe(202);
    expect((await getJson(system.api(`/projects/${project.id}`), system.owner)).body.slackWebhookUrl).toBeUndefined();
  });

  it("ends a superseded run's Deployment inactive", async () => {
    const { repo, project } = await system.readyProject('notify-co', 'busy');
    await request(`${system.sandbox.url}/_sandbox/timings`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ projects: { [project.ncp.sourceBuildProjectId]: { buildMs: 3000 } } }),
    }).then((r) => r.body.dump());
    const first = await pushToGithub(system.sandbox, system.gateway.url, repo, { ...app, V: '1' });
    await pollUntil(
      () => system.runOfDelivery(first.deliveryId),
      (run) => run?.status === 'building',
      { timeoutMs: 30_000, description: 'the first run to build' },
    );
    const second = await pushToGithub(system.sandbox, system.gateway.url, repo, { ...app, V: '2' });
    await pollUntil(
      () => system.runOfDelivery(second.deliveryId),
      (run) => run?.status === 'queued',
      { timeoutMs: 30_000, description: 'the second run to queue' },
    );
    const thirdSha = await commitToGithub(system.sandbox, repo, { ...app, V: '3' });
    const third = await notifyPush(system.gateway.url, repo, thirdSha, app);
    const superseded = await system.untilRunEnds(second.deliveryId);
    expect(superseded.status).toBe('superseded');
    await system.untilRunEnds(third.deliveryId, 60_000);
    const view = await untilNotified(system, superseded.id, 2);
    expect(view.notifications.map((n: any) => [n.target, n.kind, n.status])).toEqual([
      ['github', 'queued', 'sent'],
      ['github', 'ended', 'sent'],
    ]);
    const { deployments } = await githubFeedback(system, 'notify-co/busy');
    const ofSecond = deployments.filter((d) => d.sha === second.sha);
    expect(ofSecond).toHaveLength(1);
    expect(ofSecond[0].statuses.map((s: any) => s.state)).toEqual(['queued', 'inactive']);
    // The pull request's check says what replaced it, and that nothing of it was deployed.
    const { statuses } = await githubFeedback(system, 'notify-co/busy');
    const last = statuses.filter((s) => s.sha === second.sha).at(-1);
    expect(last).toMatchObject({
      state: 'error',
      description: `superseded by a newer commit ${thirdSha.slice(0, 7)}, not deployed`,
    });
    // Slack heard nothing of a run that never started.
    const slack = await slackMessages(system, OPERATOR_HOOK);
    expect(slack.some((m) => JSON.stringify(m.body).includes(second.sha.slice(0, 7)))).toBe(false);
  });

  it('retries GitHub through 5xx, a rate limit and a lost answer (one Deployment), and shows a Slack that keeps failing on the run without failing it', async () => {
    const { repo } = await system.readyProject('notify-co', 'flaky');
    const path = '/repos/notify-co/flaky';
    await fault(system, {
      party: 'github',
      effect: 'drop-answer',
      method: 'POST',
      path: `${path}/deployments`,
      times: 1,
    });
    await fault(system, {
      party: 'github',
      effect: 'status',
      status: 503,
      method: 'POST',
      path: `${path}/deployments`,
      times: 1,
    });
    await fault(system, {
      party: 'github',
      effect: 'status',
      status: 429,
      retryAfterSeconds: 1,
      path: `${path}/statuses`,
      times: 1,
    });
    await fault(system, { party: 'slack', effect: 'status', status: 500, path: OPERATOR_HOOK, times: 1000 });

    const pushed = await pushToGithub(system.sandbox, system.gateway.url, repo, app);
    const ended = await system.untilEnded((await system.untilDecided(pushed.deliveryId)).runId);
    expect(ended.status).toBe('succeeded');
    const view = await untilNotified(system, ended.id, 5);
    const byKey = Object.fromEntries(view.notifications.map((n: any) => [`${n.target}:${n.kind}`, n]));
    expect(byKey['github:queued']).toMatchObject({ status: 'sent' });
    expect(byKey['github:queued'].attempts).toBeGreaterThan(1);
    expect(byKey['github:ended']).toMatchObject({ status: 'sent' });
    expect(byKey['slack-operator:started']).toMatchObject({ status: 'failed', error: expect.stringMatching(/500/) });
    expect(byKey['slack-operator:started'].error).not.toContain('operator-secret');
    // The start never reached Slack, so neither does the end (no end without its start).
    expect(byKey['slack-operator:ended']).toMatchObject({
      status: 'skipped',
      error: 'nothing earlier of the run reached this destination',
    });

    const { deployments } = await githubFeedback(system, 'notify-co/flaky');
    expect(deployments).toHaveLength(1);
    expect(deployments[0].statuses.map((s: any) => s.state)).toEqual(['queued', 'in_progress', 'success']);
    // The run itself never noticed.
    expect((await system.runOfDelivery(pushed.deliveryId)).status).toBe('succeeded');
  });
});
