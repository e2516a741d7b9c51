import { createIsolatedInfra, IsolatedInfra, pollUntil } from '@klepaas/testing';
import { historyService } from '../../history/src/history.service';
import { runnerService } from '../../runner/src/runner.service';
import { provisionerService } from '../../provisioner/src/provisioner.service';
import { gatewayService } from '../src/gateway.service';
import { count, query } from '../../../test/support/database';
import { getJson, postJson, sendJson, SANDBOX_DEVELOPER, tokenFor } from '../../../test/support/http';
import {
  createGithubRepository,
  createGithubUser,
  grantGithubPermission,
  RunningSandbox,
  sandboxEnv,
  startTestSandbox,
} from '../../../test/support/sandbox';
import { StartedService, startService } from '../../../test/support/services';
import { sendWebhook } from '../../../test/support/webhooks';

const pushExample = require('@octokit/webhooks-examples').find((e: any) => e.name === 'push').examples[1];

/**
 * Registering a repository proves, with GitHub, that the caller may administer it: the attacks are
 * other users registering repositories they cannot administer, by either route, with or without a
 * GitHub identity, or with someone else's login.
 */
describe('access proven at registration', () => {
  let infra: IsolatedInfra;
  let sandbox: RunningSandbox;
  let services: StartedService[];
  let gateway: StartedService;
  // alice's token names the sandbox's development user, whom GitHub reports as admin of every repository.
  const alice = tokenFor('alice');
  let mallory: string;
  let carol: string;
  let carolLogin: string;

  beforeAll(async () => {
    infra = await createIsolatedInfra();
    sandbox = await startTestSandbox();
    const env = sandboxEnv(sandbox);
    services = [
      await startService(gatewayService, infra, env),
      await startService(provisionerService, infra, env),
      await startService(historyService, infra, env),
      // Unregistering waits for the runner to stop the project's runs.
      await startService(runnerService, infra, env),
    ];
    gateway = services[0];
    mallory = tokenFor('mallory', [], await createGithubUser(sandbox, 'mallory-gh'));
    const carolAccount = await createGithubUser(sandbox, 'carol-gh');
    carolLogin = carolAccount.login;
    carol = tokenFor('carol', [], carolAccount);
  });

  afterAll(async () => {
    for (const s of services ?? []) await s.close();
    await sandbox?.close();
    await infra?.dispose();
  });

  const register = (token: string, owner: string, repo: string, path = '/api/v1/projects') =>
    postJson(`${gateway.url}${path}`, { owner, repo }, token);
  const claims = (name: string) =>
    count(infra.databaseUrl, `SELECT count(*) AS n FROM repository_claims WHERE repo = $1`, [name]);
  const untilStatus = (id: string, token: string, status: string) =>
    pollUntil(
      () => getJson(`${gateway.url}/api/v1/projects/${id}`, token),
      (r) => r.body?.status === status,
      { timeoutMs: 30_000, description: `project ${status}` },
    );

  it('refuses, with 403 and a reason, a user GitHub does not report as admin, by either route, and stores nothing', async () => {
    await createGithubRepository(sandbox, 'acme', 'crown-jewels');
    for (const path of ['/api/v1/projects', '/api/v1/ncp/pipeline/create']) {
      const res = await register(mallory, 'acme', 'crown-jewels', path);
      expect(res.status).toBe(403);
      expect(res.body.message).toBe(
        'registering acme/crown-jewels needs admin permission on it; GitHub says mallory-gh has none',
      );
    }
    await grantGithubPermission(sandbox, { owner: 'acme', name: 'crown-jewels' }, 'mallory-gh', 'write');
    const writer = await register(mallory, 'acme', 'crown-jewels');
    expect(writer.status).toBe(403);
    expect(writer.body.message).toMatch(/GitHub says mallory-gh has write$/);
    expect(await claims('crown-jewels')).toBe(0);
    expect(await count(infra.databaseUrl, 'SELECT count(*) AS n FROM gateway_outbox')).toBe(0);
  });

  it('refuses registration to a token without a GitHub identity, which may still use every other route', async () => {
    await createGithubRepository(sandbox, 'acme', 'no-identity');
    const anonymous = tokenFor('dave', [], null);
    for (const path of ['/api/v1/projects', '/api/v1/ncp/pipeline/create']) {
      const res = await register(anonymous, 'acme', 'no-identity', path);
      expect(res.status).toBe(403);
      expect(res.body.message).toMatch(
        /needs a token that names your GitHub account \(claims github_user_id and github_login\)/,
      );
    }
    expect((await getJson(`${gateway.url}/api/v1/projects`, anonymous)).status).toBe(200);
    expect(await claims('no-identity')).toBe(0);
  });

  it("refuses a token that names an admin's login with another account's id (a renamed or reused login)", async () => {
    await createGithubRepository(sandbox, 'acme', 'renamed');
    const impostor = tokenFor('erin', [], { login: SANDBOX_DEVELOPER.login, id: SANDBOX_DEVELOPER.id + 1 });
    const res = await register(impostor, 'acme', 'renamed');
    expect(res.status).toBe(403);
    expect(res.body.message).toMatch(
      /GitHub does not know your account \(sandbox-developer, id \d+\) as a user of acme\/renamed/,
    );
    expect(await claims('renamed')).toBe(0);
  });

  it("lets only a GitHub admin take over another user's repository: the old project is gone for its owner and the takeover recorded", async () => {
    const repo = await createGithubRepository(sandbox, 'acme', 'contested');
    const first = await register(alice, 'acme', 'contested');
    expect(first.status).toBe(202);
    const oldId = first.body.id;
    await untilStatus(oldId, alice, 'ready');
    const before = await sendWebhook(gateway.url, 'push', {
      ...pushExample,
      repository: { ...pushExample.repository, id: repo.id },
    });
    expect((await getJson(`${gateway.url}/api/v1/deliveries/${before.deliveryId}`, alice)).status).toBe(200);

    // A user GitHub reports with no access gets 403; an admin takes the repository over.
    expect((await register(mallory, 'acme', 'contested')).status).toBe(403);
    await grantGithubPermission(sandbox, repo, carolLogin, 'admin');
    const takeover = await register(carol, 'acme', 'contested');
    expect(takeover.status).toBe(202);
    const newId = takeover.body.id;
    expect(newId).not.toBe(oldId);
    await untilStatus(newId, carol, 'ready');

    // The previous owner no longer reaches the project, by any route.
    expect((await getJson(`${gateway.url}/api/v1/projects/${oldId}`, alice)).status).toBe(404);
    expect((await getJson(`${gateway.url}/api/v1/projects/${oldId}/runs`, alice)).status).toBe(404);
    expect((await postJson(`${gateway.url}/api/v1/projects/${oldId}/deploy`, {}, alice)).status).toBe(404);
    expect((await sendJson('PATCH', `${gateway.url}/api/v1/projects/${oldId}`, { replicas: 2 }, alice)).status).toBe(
      404,
    );
    expect((await getJson(`${gateway.url}/api/v1/events?projectId=${oldId}`, alice)).status).toBe(404);
    const aliceList = await getJson(`${gateway.url}/api/v1/projects`, alice);
    expect(aliceList.body.items.map((p: any) => p.id)).not.toContain(oldId);
    // It is unregistered (its SourceCommit copy of the code with it), with the reason in history.
    await pollUntil(
      () => query(infra.databaseUrl, `SELECT status FROM rm_projects WHERE id = $1`, [oldId]),
      (rows) => rows[0]?.status === 'deleted',
      { timeoutMs: 30_000, description: 'the previous project unregistered' },
    );
    const [timeline] = await query(
      infra.databaseUrl,
      `SELECT data FROM rm_timeline WHERE correlation_id = $1 AND event_type = 'ProjectUnregistrationRequested'`,
      [oldId],
    );
    expect(timeline.data).toMatchObject({
      requestedBy: 'carol',
      deleteRepository: true,
      reason: expect.stringMatching(/taken over by GitHub admin carol-gh/),
    });

    // Operators see the takeover; a user does not.
    const operator = tokenFor('operator', ['admin']);
    const listed = await getJson(`${gateway.url}/api/v1/admin/takeovers`, operator);
    expect(listed.body.items).toContainEqual(
      expect.objectContaining({
        owner: 'acme',
        repo: 'contested',
        githubRepositoryId: repo.id,
        previousProjectId: oldId,
        previousOwnerId: 'alice',
        projectId: newId,
        ownerId: 'carol',
        githubLogin: carolLogin,
      }),
    );
    expect((await getJson(`${gateway.url}/api/v1/admin/takeovers`, carol)).status).toBe(403);

    // Deliveries follow the owner at the time they arrived.
    expect((await getJson(`${gateway.url}/api/v1/deliveries/${before.deliveryId}`, carol)).status).toBe(404);
    expect((await getJson(`${gateway.url}/api/v1/deliveries/${before.deliveryId}`, alice)).status).toBe(200);
    const after = await sendWebhook(gateway.url, 'push', {
      ...pushExample,
      repository: { ...pushExample.repository, id: repo.id },
    });
    expect((await getJson(`${gateway.url}/api/v1/deliveries/${after.deliveryId}`, carol)).status).toBe(200);
    expect((await getJson(`${gateway.url}/api/v1/deliveries/${after.deliveryId}`, alice)).status).toBe(404);
  });

  it('with KLEPAAS_REGISTRATION_PERMISSION=write lets a writer register a free repository, but not take one over (409)', async () => {
    const writers = await startService(gatewayService, infra, {
      ...sandboxEnv(sandbox),
      KLEPAAS_REGISTRATION_PERMISSION: 'write',
    });
    try {
      const free = await createGithubRepository(sandbox, 'acme', 'for-writers');
      const taken = await createGithubRepository(sandbox, 'acme', 'taken');
      await grantGithubPermission(sandbox, free, 'mallory-gh', 'write');
      await grantGithubPermission(sandbox, taken, 'mallory-gh', 'write');
      expect(
        (await postJson(`${writers.url}/api/v1/projects`, { owner: 'acme', repo: 'for-writers' }, mallory)).status,
      ).toBe(202);
      expect((await postJson(`${writers.url}/api/v1/projects`, { owner: 'acme', repo: 'taken' }, alice)).status).toBe(
        202,
      );
      const res = await postJson(`${writers.url}/api/v1/projects`, { owner: 'acme', repo: 'taken' }, mallory);
      expect(res.status).toBe(409);
      expect(res.body.message).toMatch(
        /already registered by another user; only an admin of the repository on GitHub can take it over \(GitHub says mallory-gh has write\)/,
      );
      const readers = await postJson(
        `${writers.url}/api/v1/projects`,
        { owner: 'acme', repo: 'crown-jewels' },
        tokenFor('fay', [], await createGithubUser(sandbox, 'fay-gh')),
      );
      expect(readers.status).toBe(403);
    } finally {
      await writers.close();
    }
  });
});
