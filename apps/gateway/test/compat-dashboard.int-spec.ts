import { request as httpRequest } from 'node:http';
import { pollUntil } from '@klepaas/testing';
import { TestSystem } from '../../runner/test/system';
import { gatewayService } from '../src/gateway.service';
import { DashboardClient, readableByDashboard } from '../../../test/support/dashboard';
import { pushToGithub, Pushed } from '../../../test/support/github-push';
import { getJson, tokenFor } from '../../../test/support/http';
import {
  addFault,
  clearFaults,
  createGithubRepository,
  createGithubUser,
  grantGithubPermission,
  sandboxEnv,
  SandboxRepository,
} from '../../../test/support/sandbox';
import { StartedService, startService } from '../../../test/support/services';

const ORIGIN = 'http://dashboard.example.test:3000';
const STATUSES = ['pending', 'running', 'success', 'failed'];
const STAGE_STATUSES = ['success', 'failed', 'running', null];
const app = (version: string) => ({ Dockerfile: 'FROM scratch\n', VERSION: `${version}\n` });
const path = (fullName: string) => encodeURIComponent(fullName);

/** The fields compat-dashboard.md says the pipelines tab reads, with their types. */
function expectPipelineShape(d: any): void {
  expect(Number.isInteger(d.id)).toBe(true);
  expect(d.repository).toContain('/');
  expect(STATUSES).toContain(d.status);
  expect(d.commit).toEqual({
    sha: expect.any(String),
    short_sha: expect.any(String),
    message: expect.any(String),
    author: expect.any(String),
    url: expect.any(String),
  });
  for (const stage of ['sourcecommit', 'sourcebuild', 'sourcedeploy']) {
    expect(STAGE_STATUSES).toContain(d.stages[stage].status);
    expect(d.stages[stage]).toHaveProperty('duration');
  }
  expect(d.timing).toEqual({
    started_at: expect.any(String),
    completed_at: d.status === 'success' || d.status === 'failed' ? expect.any(String) : null,
    total_duration: d.status === 'success' || d.status === 'failed' ? expect.any(Number) : null,
  });
  expect(d.error === null || typeof d.error.message === 'string').toBe(true);
  expect(typeof d.auto_deploy_enabled).toBe('boolean');
  expect(Date.parse(d.updated_at)).not.toBeNaN();
}

describe('the original dashboard, served from another origin', () => {
  let system: TestSystem;
  /** A gateway replica that lets the dashboard's origin in (KLEPAAS_CORS_ORIGINS). */
  let compat: StartedService;
  let dashboard: DashboardClient;
  let project: any;
  let repo: SandboxRepository;
  let v1: Pushed;
  let v2: Pushed;
  const runs: Record<'v1' | 'v2' | 'rollback', string> = { v1: '', v2: '', rollback: '' };
  /** The project's image (and app) name, as the runner gave it: `{owner}-{repo}`, maybe with a suffix. */
  let imageName: string;
  const ours = (p: string) => getJson(system.api(p), system.owner).then((r) => r.body);
  const expectReadable = (answer: { headers: any; body: any; text: string; status: number }) =>
    expect({ status: answer.status, readable: readableByDashboard(answer, ORIGIN) }).toEqual({
      status: answer.status,
      readable: true,
    });

  beforeAll(async () => {
    system = await TestSystem.start();
    compat = await startService(gatewayService, system.infra, {
      ...sandboxEnv(system.sandbox),
      KLEPAAS_CORS_ORIGINS: `https://other.example.test, ${ORIGIN}`,
    });
    dashboard = new DashboardClient(compat.url, ORIGIN, system.owner);
    ({ repo, project } = await system.readyProject('dash-co', 'app'));
    // A succeeded deployment, then a failed one (SourceDeploy fails once) ...
    v1 = await pushToGithub(system.sandbox, system.gateway.url, repo, app('1'), { message: 'first version' });
    const first = await system.untilRunEnds(v1.deliveryId);
    runs.v1 = first.id;
    imageName = first.image.slice(first.image.lastIndexOf('/') + 1).split(':')[0];
    await addFault(system.sandbox, {
      party: 'sourcedeploy',
      effect: 'fail',
      project: project.ncp.sourceDeployProjectId,
      times: 1,
    });
    v2 = await pushToGithub(system.sandbox, system.gateway.url, repo, app('2'), { message: 'second version' });
    const failed = await system.untilRunEnds(v2.deliveryId);
    expect(failed.status).toBe('failed');
    runs.v2 = failed.id;
    await clearFaults(system.sandbox);
    // ... and a rollback to the first, asked the dashboard's way.
    const rollback = await dashboard.post('/rollback/commit', {
      owner: 'dash-co',
      repo: 'app',
      target_commit_sha: v1.sha.slice(0, 7),
    });
    expect(rollback.status).toBe(202);
    expectReadable(rollback);
    runs.rollback = rollback.body.run_id;
    expect(await system.untilEnded(runs.rollback)).toMatchObject({
      status: 'succeeded',
      trigger: { type: 'rollback', commitSha: v1.sha },
    });
    // Until history has all three deployments and the project's current one.
    await pollUntil(
      () => ours(`/projects/${project.id}`),
      (p) => p.currentDeployment?.id === runs.rollback,
      { description: 'the rollback to be the current deployment' },
    );
  }, 150_000);

  afterAll(async () => {
    await compat?.close();
    await system?.stop();
  });

  it("answers the browser's preflight for each method with the dashboard's headers, for its origin only", async () => {
    for (const [method, route] of [
      ['GET', '/github/pipelines'],
      ['PUT', '/github/webhook/1'],
      ['POST', '/rollback/commit'],
    ]) {
      const answer = await dashboard.preflight(method, route);
      expect(answer.status).toBe(204);
      expect(answer.headers['access-control-allow-origin']).toBe(ORIGIN);
      expect(String(answer.headers['access-control-allow-methods']).split(',')).toContain(method);
      expect(String(answer.headers['access-control-allow-headers']).split(',').sort()).toEqual(
        ['authorization', 'cache-control', 'content-type', 'pragma'].sort(),
      );
    }
    const stranger = await dashboard.preflight('GET', '/github/pipelines', 'https://evil.example.test');
    expect(stranger.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('knows who is logged in from the token alone, and answers JSON without one', async () => {
    const me = await dashboard.get('/auth/me');
    expect(me.status).toBe(200);
    expectReadable(me);
    expect(me.body).toMatchObject({ id: 'owner-1', provider: 'github', github: { login: 'sandbox-developer' } });
    const anonymous = await new DashboardClient(compat.url, ORIGIN).get('/auth/me');
    expect(anonymous.status).toBe(401);
    expectReadable(anonymous);
  });

  it('lists the connected repository with an integer id that stays the same', async () => {
    const first = await dashboard.get('/github/repositories/connected');
    expectReadable(first);
    expect(first.body.repositories).toEqual([
      expect.objectContaining({
        id: expect.any(Number),
        name: 'app',
        fullName: 'dash-co/app',
        connected: true,
        branch: 'main',
        autoDeployEnabled: true,
        webhookConfigured: true,
        project_id: project.id,
      }),
    ]);
    expect(Date.parse(first.body.repositories[0].lastSync)).not.toBeNaN();
    const again = await dashboard.get('/github/repositories/connected');
    expect(again.body.repositories[0].id).toBe(first.body.repositories[0].id);
  });

  it('shows the succeeded, the failed and the rolled-back deployment as pipelines with their three stages', async () => {
    const answer = await dashboard.get(`/github/pipelines?repository=${path('dash-co/app')}`);
    expect(answer.status).toBe(200);
    expectReadable(answer);
    const byRun = new Map(answer.body.deployments.map((d: any) => [d.run_id, d]));
    for (const d of answer.body.deployments) expectPipelineShape(d);
    expect(byRun.get(runs.v1)).toMatchObject({
      repository: 'dash-co/app',
      status: 'success',
      commit: { sha: v1.sha, short_sha: v1.sha.slice(0, 7), message: 'first version', author: 'dev' },
      stages: {
        sourcecommit: { status: 'success', duration: expect.any(Number) },
        sourcebuild: { status: 'success', skipped: false },
        sourcedeploy: { status: 'success' },
      },
      error: null,
      is_rollback: false,
    });
    expect(byRun.get(runs.v2)).toMatchObject({
      status: 'failed',
      commit: { sha: v2.sha, message: 'second version' },
      stages: {
        sourcecommit: { status: 'success' },
        sourcebuild: { status: 'success' },
        sourcedeploy: { status: 'failed' },
      },
      error: { message: expect.any(String), stage: 'sourcedeploy' },
    });
    // A rollback reuses the built image: its build stage was skipped, and counts as done.
    expect(byRun.get(runs.rollback)).toMatchObject({
      status: 'success',
      is_rollback: true,
      commit: { sha: v1.sha },
      stages: { sourcebuild: { status: 'success', skipped: true }, sourcedeploy: { status: 'success' } },
    });
    // Newest first; the same list when no repository is named.
    const ids = answer.body.deployments.map((d: any) => d.run_id);
    expect(ids.indexOf(runs.rollback)).toBeLessThan(ids.indexOf(runs.v2));
    expect(ids.indexOf(runs.v2)).toBeLessThan(ids.indexOf(runs.v1));
    const all = await dashboard.get('/github/pipelines');
    expect(all.body.deployments.map((d: any) => d.id)).toEqual(answer.body.deployments.map((d: any) => d.id));
  });

  it('pages the deployment histories, filters them by status, and polls one by its integer id', async () => {
    const list = await dashboard.get(`/deployment-histories?repository=${path('dash-co/app')}&limit=20&offset=0`);
    expectReadable(list);
    expect(list.body.deployments.map((d: any) => d.run_id)).toEqual(
      expect.arrayContaining([runs.rollback, runs.v2, runs.v1]),
    );
    const second = await dashboard.get(`/deployment-histories?repository=${path('dash-co/app')}&limit=1&offset=1`);
    expect(second.body.deployments).toEqual([list.body.deployments[1]]);
    const failed = await dashboard.get(`/deployment-histories?repository=${path('dash-co/app')}&status=failed`);
    expect(failed.body.deployments.map((d: any) => d.run_id)).toEqual([runs.v2]);

    const rolledBack = list.body.deployments.find((d: any) => d.run_id === runs.rollback);
    const one = await dashboard.get(`/deployment-histories/${rolledBack.id}`);
    expectReadable(one);
    expect(one.body.deployment).toEqual(rolledBack);
    const missing = await dashboard.get('/deployment-histories/4242');
    expect(missing.status).toBe(404);
    expectReadable(missing);
    expect((await dashboard.get('/deployment-histories/not-a-number')).status).toBe(400);
  });

  it('shows the latest deployment of each repository with every nested object the view reads', async () => {
    const answer = await dashboard.get('/deployment-histories/repositories/latest');
    expectReadable(answer);
    expect(answer.body.repositories).toEqual([
      {
        owner: 'dash-co',
        repo: 'app',
        full_name: 'dash-co/app',
        branch: 'main',
        auto_deploy_enabled: true,
        project_id: project.id,
        latest_deployment: expect.objectContaining({
          status: 'success',
          is_rollback: true,
          run_id: runs.rollback,
          image: { name: imageName, tag: v1.sha.slice(0, 7), url: system.imageFor(imageName, v1.sha) },
          commit: expect.objectContaining({ sha: v1.sha, message: 'first version' }),
          cluster: {
            namespace: project.namespace,
            replicas: { desired: 1, ready: 1 },
            resources: { cpu: null, memory: null },
          },
          timing: {
            started_at: expect.any(String),
            completed_at: expect.any(String),
            total_duration: expect.any(Number),
          },
        }),
      },
    ]);
  });

  it('offers the rollback dialog what runs now, what it can go back to, and the rollback made', async () => {
    const config = await dashboard.get('/deployments/dash-co/app/config');
    expectReadable(config);
    expect(config.body).toMatchObject({ replica_count: 1 });
    const answer = await dashboard.get('/deployments/dash-co/app/rollback/list');
    expectReadable(answer);
    expect(answer.body).toMatchObject({
      pinned: true,
      current_state: {
        commit_sha_short: v1.sha.slice(0, 7),
        commit_message: 'first version',
        deployed_at: expect.any(String),
        is_rollback: true,
      },
      // The failed second version is nothing to go back to.
      available_versions: [
        {
          steps_back: 0,
          commit_sha: v1.sha,
          commit_sha_short: v1.sha.slice(0, 7),
          commit_message: 'first version',
          deployed_at: expect.any(String),
          is_current: true,
        },
      ],
      rollback_history: [
        { commit_sha_short: v1.sha.slice(0, 7), commit_message: 'first version', rolled_back_at: expect.any(String) },
      ],
    });
  });

  it('refuses restart, pods and logs with a 501 saying why, rather than making them up', async () => {
    for (const answer of [
      await dashboard.post('/deployments/dash-co/app/restart'),
      await dashboard.get(`/deployments/${project.namespace}/app/pods`),
      await dashboard.get(`/deployments/${project.namespace}/app/logs?pod=x&lines=100&previous=false`),
    ]) {
      expect(answer.status).toBe(501);
      expectReadable(answer);
      expect(answer.body.message).toMatch(/access to the Kubernetes cluster/);
    }
  });

  it('answers what it does not serve with a JSON 404: the WebSocket, and the views that may fail harmlessly', async () => {
    for (const route of ['/dashboard/overview', '/slack/status', '/github/pull-requests', '/ws/deployments']) {
      const answer = await dashboard.get(route);
      expect({ route, status: answer.status }).toEqual({ route, status: 404 });
      expectReadable(answer);
    }
    // The browser's WebSocket handshake: refused, never switched to a socket that trusts user_id.
    const upgrade = await new Promise<{ status?: number; body: string }>((resolve, reject) => {
      const url = new URL(`${compat.url}/api/v1/ws/deployments`);
      const req = httpRequest(url, {
        headers: {
          origin: ORIGIN,
          connection: 'Upgrade',
          upgrade: 'websocket',
          'sec-websocket-version': '13',
          'sec-websocket-key': Buffer.from('0123456789abcdef').toString('base64'),
        },
      });
      req.on('upgrade', () => reject(new Error('the gateway switched protocols')));
      req.on('response', (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode, body }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(upgrade.status).toBe(404);
    expect(JSON.parse(upgrade.body)).toMatchObject({ statusCode: 404 });
  });

  describe('commands change the state our own API shows', () => {
    it('the rollback pinned the project to the first version', async () => {
      expect(await ours(`/projects/${project.id}`)).toMatchObject({
        rollbackHold: true,
        pin: { runId: runs.rollback },
        desired: { commitSha: v1.sha },
      });
    });

    it('the auto-deploy switch turns the project setting off and on', async () => {
      const { id } = (await dashboard.get('/github/repositories/connected')).body.repositories[0];
      for (const enabled of [false, true]) {
        const answer = await dashboard.call('PUT', `/github/webhook/${id}?enabled=${enabled}`);
        expect(answer.status).toBe(200);
        expectReadable(answer);
        expect(answer.body).toMatchObject({ status: 'success', autoDeployEnabled: enabled });
        await pollUntil(
          () => ours(`/projects/${project.id}`),
          (p) => p.autoDeploy === enabled,
          { description: `autoDeploy ${enabled} in our API` },
        );
        const listed = await dashboard.get('/github/repositories/connected');
        expect(listed.body.repositories[0].autoDeployEnabled).toBe(enabled);
      }
      expect((await dashboard.call('PUT', `/github/webhook/${id}?enabled=maybe`)).status).toBe(400);
    });

    it('scale changes the desired replicas, through a run our API lists', async () => {
      const answer = await dashboard.post('/deployments/dash-co/app/scale', { replicas: 3 });
      expect(answer.status).toBe(202);
      expectReadable(answer);
      expect(answer.body).toMatchObject({ status: 'success', deployment_id: expect.any(Number) });
      expect(await system.untilEnded(answer.body.run_id)).toMatchObject({
        status: 'succeeded',
        trigger: { type: 'scale' },
        replicas: 3,
      });
      expect(await ours(`/projects/${project.id}`)).toMatchObject({ desired: { replicas: 3, commitSha: v1.sha } });
      expect((await dashboard.get('/deployments/dash-co/app/config')).body.replica_count).toBe(3);
      expect((await system.deployment(project.namespace, imageName)).replicas).toBe(3);
      const tooMany = await dashboard.post('/deployments/dash-co/app/scale', { replicas: 11 });
      expect(tooMany.status).toBe(400);
      expectReadable(tooMany);
    });

    it("manual deploy deploys the branch head, which lifts the rollback's pin", async () => {
      const answer = await dashboard.post('/github/manual-deploy', {
        github_owner: 'dash-co',
        github_repo: 'app',
        branch: 'main',
      });
      expect(answer.status).toBe(202);
      expectReadable(answer);
      expect(await system.untilEnded(answer.body.run_id)).toMatchObject({
        status: 'succeeded',
        trigger: { type: 'manual', commitSha: v2.sha },
      });
      const shown = await pollUntil(
        () => dashboard.get(`/deployment-histories/${answer.body.deployment_id}`),
        (a) => a.body?.deployment?.status === 'success',
        { description: 'the manual deploy to show as a success' },
      );
      expect(shown.body.deployment).toMatchObject({ run_id: answer.body.run_id, commit: { sha: v2.sha } });
      const now = await ours(`/projects/${project.id}`);
      expect(now).toMatchObject({ rollbackHold: false, desired: { commitSha: v2.sha } });
    });

    it('connect registers through our own registration, with every check it makes', async () => {
      await createGithubRepository(system.sandbox, 'dash-co', 'second');
      const answer = await dashboard.post('/projects/github/connect', { owner: 'dash-co', repo: 'second' });
      expect(answer.status).toBe(202);
      expectReadable(answer);
      expect(answer.body).toMatchObject({
        status: 'success',
        already_connected: false,
        repository: { id: expect.any(Number), fullName: 'dash-co/second' },
      });
      // The webhook secret is not in this answer (the dashboard would drop it).
      expect(answer.body.webhookSecret).toBeUndefined();
      expect(answer.text).not.toMatch(/[A-Za-z0-9_-]{43}/);
      const projectId = answer.body.repository.project_id;
      expect(await ours(`/projects/${projectId}`)).toMatchObject({ owner: 'dash-co', repo: 'second' });
      const again = await dashboard.post('/projects/github/connect', { owner: 'dash-co', repo: 'second' });
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({
        already_connected: true,
        message: expect.stringMatching(/already connected/),
      });
      expect(again.body.repository.id).toBe(answer.body.repository.id);

      // A token naming no GitHub account, and an account GitHub gives only write: refused, nothing claimed.
      await createGithubRepository(system.sandbox, 'dash-co', 'third');
      const anonymous = new DashboardClient(compat.url, ORIGIN, tokenFor('owner-1', [], null));
      expect((await anonymous.post('/projects/github/connect', { owner: 'dash-co', repo: 'third' })).status).toBe(403);
      const writer = await createGithubUser(system.sandbox, 'dash-writer');
      await grantGithubPermission(system.sandbox, { owner: 'dash-co', name: 'third' }, 'dash-writer', 'write');
      const asWriter = new DashboardClient(compat.url, ORIGIN, tokenFor('owner-1', [], writer));
      const refused = await asWriter.post('/projects/github/connect', { owner: 'dash-co', repo: 'third' });
      expect(refused.status).toBe(403);
      expectReadable(refused);
      expect(refused.body.message).toMatch(/needs admin permission/);
      const listed = (await dashboard.get('/github/repositories/connected')).body.repositories;
      expect(listed.map((r: any) => r.fullName).sort()).toEqual(['dash-co/app', 'dash-co/second']);
    });
  });

  it('shows another user none of it, whatever user_id the dashboard sends, and lets them change none of it', async () => {
    // The intruder's dashboard claims to be the owner in every query and body.
    const intruder = new DashboardClient(compat.url, ORIGIN, tokenFor('intruder'), 'owner-1');
    const runsBefore = (await system.runs(project.id)).length;
    const { id: repositoryId } = (await dashboard.get('/github/repositories/connected')).body.repositories[0];
    const deploymentId = (await dashboard.get(`/github/pipelines?repository=${path('dash-co/app')}`)).body
      .deployments[0].id;

    expect((await intruder.get('/github/repositories/connected')).body.repositories).toEqual([]);
    expect((await intruder.get('/github/pipelines')).body.deployments).toEqual([]);
    expect((await intruder.get('/deployment-histories')).body.deployments).toEqual([]);
    expect((await intruder.get('/deployment-histories/repositories/latest')).body.repositories).toEqual([]);
    for (const answer of [
      await intruder.get(`/github/pipelines?repository=${path('dash-co/app')}`),
      await intruder.get(`/deployment-histories/${deploymentId}`),
      await intruder.get('/deployments/dash-co/app/config'),
      await intruder.get('/deployments/dash-co/app/rollback/list'),
      await intruder.post('/deployments/dash-co/app/scale', { replicas: 0 }),
      await intruder.post('/rollback/commit', { owner: 'dash-co', repo: 'app', target_commit_sha: v1.sha }),
      await intruder.post('/github/manual-deploy', { github_owner: 'dash-co', github_repo: 'app', branch: 'main' }),
      await intruder.call('PUT', `/github/webhook/${repositoryId}?enabled=false`),
      await intruder.post('/deployments/dash-co/app/restart'),
      await intruder.get(`/deployments/${project.namespace}/app/pods`),
    ]) {
      expect(answer.status).toBe(404);
      expectReadable(answer);
    }
    expect((await system.runs(project.id)).length).toBe(runsBefore);
    expect(await ours(`/projects/${project.id}`)).toMatchObject({ autoDeploy: true, desired: { replicas: 3 } });
  });
});
