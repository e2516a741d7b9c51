import { createIsolatedInfra, IsolatedInfra, pollUntil } from '@klepaas/testing';
import { pushFiles } from '../apps/sandbox/test/support/git';
import { DashboardClient, readableByDashboard } from './support/dashboard';
import { RunningNpmStart, startNpmStart } from './support/npm-start';
import { createGithubRepository, RunningSandbox } from './support/sandbox';

const ORIGIN = 'http://localhost:3300';

/**
 * `npm start` as a developer runs it (sandbox mode, every app its own process), on ports of its
 * own and this file's database and vhost, with the dashboard's origin allowed: the README's way
 * of pointing the original dashboard at it.
 */
describe('npm start serves the original dashboard from another origin', () => {
  let infra: IsolatedInfra;
  let system: RunningNpmStart;
  const api = () => `http://127.0.0.1:${system.ports.GATEWAY}`;
  const sandboxUrl = () => `http://127.0.0.1:${system.ports.SANDBOX}`;

  beforeAll(async () => {
    infra = await createIsolatedInfra();
    system = await startNpmStart(infra, { KLEPAAS_CORS_ORIGINS: ORIGIN });
  }, 180_000);

  afterAll(async () => {
    await system?.stop();
    await infra?.dispose();
  }, 60_000);

  it('logs in, connects a repository, deploys it and shows the pipeline, every answer readable by that origin', async () => {
    expect(system.output()).toContain(`browser origins allowed: ${ORIGIN}`);
    const client = new DashboardClient(api(), ORIGIN);
    for (const [method, route] of [
      ['POST', '/auth/oauth2/admin/login'],
      ['GET', '/github/repositories/connected'],
      ['PUT', '/github/webhook/1'],
    ]) {
      const preflight = await client.preflight(method, route);
      expect(preflight.status).toBe(204);
      expect(preflight.headers['access-control-allow-origin']).toBe(ORIGIN);
    }

    // The admin login npm start enables in sandbox mode, with the password its banner prints.
    const login = await client.post('/auth/oauth2/admin/login', {
      username: 'admin',
      password: 'sandbox-admin-password',
    });
    expect(login.status).toBe(200);
    expect(readableByDashboard(login, ORIGIN)).toBe(true);
    client.token = login.body.access_token;
    expect((await client.get('/auth/me')).body).toMatchObject({ provider: 'admin' });

    // A repository on the sandbox's GitHub, with a commit to deploy.
    const sandbox = { url: sandboxUrl() } as RunningSandbox;
    const repo = await createGithubRepository(sandbox, 'start-co', 'web');
    await pushFiles(
      repo.cloneUrl,
      { username: 'x-access-token', password: 'sandbox-github-admin-token' },
      'main',
      { Dockerfile: 'FROM scratch\n' },
      'first',
    );

    const connect = await client.post('/projects/github/connect', { owner: 'start-co', repo: 'web' });
    expect(connect.status).toBe(202);
    expect(readableByDashboard(connect, ORIGIN)).toBe(true);
    await pollUntil(
      () => client.get('/github/repositories/connected'),
      (a) => a.body?.repositories?.[0]?.project_status === 'ready',
      { timeoutMs: 60_000, description: 'the repository to be provisioned' },
    );

    const deploy = await client.post('/github/manual-deploy', {
      github_owner: 'start-co',
      github_repo: 'web',
      branch: 'main',
    });
    expect(deploy.status).toBe(202);
    const done = await pollUntil(
      () => client.get(`/deployment-histories/${deploy.body.deployment_id}`),
      (a) => ['success', 'failed'].includes(a.body?.deployment?.status),
      { timeoutMs: 60_000, description: 'the manual deploy to end' },
    );
    expect(readableByDashboard(done, ORIGIN)).toBe(true);
    expect(done.body.deployment).toMatchObject({
      status: 'success',
      repository: 'start-co/web',
      stages: {
        sourcecommit: { status: 'success' },
        sourcebuild: { status: 'success' },
        sourcedeploy: { status: 'success' },
      },
    });
    const pipelines = await client.get('/github/pipelines?repository=start-co%2Fweb');
    expect(readableByDashboard(pipelines, ORIGIN)).toBe(true);
    expect(pipelines.body.deployments.map((d: any) => d.id)).toContain(deploy.body.deployment_id);
  });
});
