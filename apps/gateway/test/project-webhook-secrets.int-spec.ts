import { createIsolatedInfra, IsolatedInfra, pollUntil, TcpProxy } from '@klepaas/testing';
import { gatewayService } from '../src/gateway.service';
import { count, query } from '../../../test/support/database';
import { getJson, postJson, sendJson, tokenFor } from '../../../test/support/http';
import {
  createGithubRepository,
  RunningSandbox,
  sandboxEnv,
  SandboxRepository,
  startTestSandbox,
} from '../../../test/support/sandbox';
import { StartedService, startService, TEST_SECRETS, viaProxy } from '../../../test/support/services';
import { sendWebhook } from '../../../test/support/webhooks';

const examples: Array<{ name: string; examples: any[] }> = require('@octokit/webhooks-examples');
const pushExample = examples.find((e) => e.name === 'push')!.examples.find((p: any) => p.commits.length > 0);
const LEGACY_SHARED_SECRET = 'the-old-shared-legacy-secret';

/** A push of `repo` as its repository hook sends it (no installation: it is not the App's delivery). */
function pushOf(repo: SandboxRepository, changes: Record<string, unknown> = {}) {
  const { installation: _, ...payload } = pushExample;
  return {
    ...payload,
    repository: { ...payload.repository, id: repo.id, name: repo.name, full_name: repo.fullName },
    ...changes,
  };
}

/**
 * Repository hooks (the legacy path) are verified with their own project's secret. The attacks: a
 * tenant forging deliveries for another tenant's repository with its own secret or the old shared
 * one, and signed but malformed payloads.
 */
describe('per-project webhook secrets', () => {
  let infra: IsolatedInfra;
  let sandbox: RunningSandbox;
  let gateway: StartedService;
  const alice = tokenFor('alice');
  const bob = tokenFor('bob');
  let aliceRepo: SandboxRepository;
  let bobRepo: SandboxRepository;
  let aliceProject: { id: string; webhookSecret: string };
  let bobProject: { id: string; webhookSecret: string };

  beforeAll(async () => {
    infra = await createIsolatedInfra();
    sandbox = await startTestSandbox();
    gateway = await startService(gatewayService, infra, {
      ...sandboxEnv(sandbox),
      KLEPAAS_GITHUB_WEBHOOK_SECRET: LEGACY_SHARED_SECRET,
    });
    aliceRepo = await createGithubRepository(sandbox, 'alice-co', 'shop');
    bobRepo = await createGithubRepository(sandbox, 'bob-co', 'tool');
    aliceProject = (await postJson(`${gateway.url}/api/v1/projects`, { owner: 'alice-co', repo: 'shop' }, alice)).body;
    bobProject = (await postJson(`${gateway.url}/api/v1/projects`, { owner: 'bob-co', repo: 'tool' }, bob)).body;
  });

  afterAll(async () => {
    await gateway?.close();
    await sandbox?.close();
    await infra?.dispose();
  });

  const stored = (deliveryId: string) =>
    count(infra.databaseUrl, 'SELECT count(*) AS n FROM webhook_deliveries WHERE delivery_id = $1', [deliveryId]);
  const delivery = (deliveryId: string, token: string) =>
    getJson(`${gateway.url}/api/v1/deliveries/${deliveryId}`, token);

  it('shows the secret once, in the registration answer, and keeps it in the database only encrypted', async () => {
    expect(aliceProject.webhookSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(bobProject.webhookSecret).not.toBe(aliceProject.webhookSecret);
    const again = await postJson(`${gateway.url}/api/v1/projects`, { owner: 'alice-co', repo: 'shop' }, alice);
    expect(again.status).toBe(200);
    expect(again.body.webhookSecret).toBeUndefined();
    expect(
      (await getJson(`${gateway.url}/api/v1/projects/${aliceProject.id}`, alice)).body.webhookSecret,
    ).toBeUndefined();
    // No table holds it in clear (the sealed form is AES-GCM under KLEPAAS_WEBHOOK_SECRET_KEY).
    const tables = await query(
      infra.databaseUrl,
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    for (const { table_name } of tables) {
      const n = await count(infra.databaseUrl, `SELECT count(*) AS n FROM "${table_name}" t WHERE t::text LIKE $1`, [
        `%${aliceProject.webhookSecret}%`,
      ]);
      expect({ table: table_name, n }).toEqual({ table: table_name, n: 0 });
    }
    const [claim] = await query(
      infra.databaseUrl,
      `SELECT webhook_secret FROM repository_claims WHERE project_id = $1`,
      [aliceProject.id],
    );
    expect(claim.webhook_secret).toMatch(/^v1\./);
  });

  it("accepts a repository hook's delivery signed with its project's own secret, on either path", async () => {
    for (const path of ['/api/v1/cicd/webhook', '/api/v1/github/webhook']) {
      const res = await sendWebhook(gateway.url, 'push', pushOf(aliceRepo), {
        secret: aliceProject.webhookSecret,
        path,
      });
      expect(res.status).toBe(202);
      expect((await delivery(res.deliveryId, alice)).body).toMatchObject({
        status: 'accepted',
        projectId: aliceProject.id,
      });
      expect((await delivery(res.deliveryId, bob)).status).toBe(404);
    }
  });

  it("refuses a delivery for another tenant's repository signed with the forger's own project secret", async () => {
    const forged = await sendWebhook(gateway.url, 'push', pushOf(aliceRepo), { secret: bobProject.webhookSecret });
    expect(forged.status).toBe(401);
    expect(forged.body.message).toBe('X-Hub-Signature-256 does not match the body');
    expect(await stored(forged.deliveryId)).toBe(0);
    // Naming his own repository in the payload the hook signed is fine; it is then his delivery, not alice's.
    const own = await sendWebhook(gateway.url, 'push', pushOf(bobRepo), { secret: bobProject.webhookSecret });
    expect(own.status).toBe(202);
    expect((await delivery(own.deliveryId, alice)).status).toBe(404);
  });

  it('refuses the old shared legacy secret for every repository, and any secret for a repository no project claims', async () => {
    const shared = await sendWebhook(gateway.url, 'push', pushOf(aliceRepo), { secret: LEGACY_SHARED_SECRET });
    expect(shared.status).toBe(401);
    const stranger = await createGithubRepository(sandbox, 'nobody-co', 'unclaimed');
    for (const secret of [LEGACY_SHARED_SECRET, aliceProject.webhookSecret, bobProject.webhookSecret]) {
      const res = await sendWebhook(gateway.url, 'push', pushOf(stranger), { secret });
      expect(res.status).toBe(401);
      expect(await stored(res.deliveryId)).toBe(0);
    }
    // The App's own secret still signs deliveries for any repository (only GitHub holds it).
    expect((await sendWebhook(gateway.url, 'push', pushOf(stranger), { secret: TEST_SECRETS.appWebhook })).status).toBe(
      202,
    );
  });

  it('rotates a secret for its owner only: the new one works at once and the old one no longer does', async () => {
    const url = `${gateway.url}/api/v1/projects/${aliceProject.id}/webhook-secret`;
    expect((await postJson(url, {}, bob)).status).toBe(404);
    const rotated = await postJson(url, {}, alice);
    expect(rotated.status).toBe(200);
    expect(rotated.body).toEqual({
      projectId: aliceProject.id,
      webhookSecret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
    expect(rotated.body.webhookSecret).not.toBe(aliceProject.webhookSecret);
    const old = await sendWebhook(gateway.url, 'push', pushOf(aliceRepo), { secret: aliceProject.webhookSecret });
    expect(old.status).toBe(401);
    const fresh = await sendWebhook(gateway.url, 'push', pushOf(aliceRepo), { secret: rotated.body.webhookSecret });
    expect(fresh.status).toBe(202);
    aliceProject.webhookSecret = rotated.body.webhookSecret;
  });

  it('forgets the secret of an unregistered project: its hook is refused and it cannot be rotated', async () => {
    const repo = await createGithubRepository(sandbox, 'alice-co', 'gone');
    const project = (await postJson(`${gateway.url}/api/v1/projects`, { owner: 'alice-co', repo: 'gone' }, alice)).body;
    expect((await sendJson('DELETE', `${gateway.url}/api/v1/projects/${project.id}`, undefined, alice)).status).toBe(
      202,
    );
    expect((await sendWebhook(gateway.url, 'push', pushOf(repo), { secret: project.webhookSecret })).status).toBe(401);
    expect((await postJson(`${gateway.url}/api/v1/projects/${project.id}/webhook-secret`, {}, alice)).status).toBe(404);
  });

  it('answers 503, not 500, when the secret cannot be looked up, and accepts the delivery once it can', async () => {
    const proxy = new TcpProxy('127.0.0.1', 5432);
    const port = await proxy.start();
    const proxied = await startService(gatewayService, infra, {
      ...sandboxEnv(sandbox),
      KLEPAAS_DATABASE_URL: viaProxy(infra.databaseUrl, port),
    });
    try {
      proxy.cut();
      const cut = await sendWebhook(proxied.url, 'push', pushOf(aliceRepo), { secret: aliceProject.webhookSecret });
      expect(cut.status).toBe(503);
      expect(cut.body.message).toMatch(/could not be verified now; it can be redelivered/);
      proxy.restore();
      await pollUntil(
        () =>
          sendWebhook(proxied.url, 'push', pushOf(aliceRepo), {
            secret: aliceProject.webhookSecret,
            deliveryId: cut.deliveryId,
          }).then((r) => r.status),
        (status) => status === 202,
        { description: 'the redelivery accepted once the database answers' },
      );
    } finally {
      proxy.restore();
      await proxied.close();
      await proxy.stop();
    }
  });

  describe('a signed but malformed delivery from a tenant', () => {
    const head = pushExample.head_commit;
    it.each([
      ['commits: [null]', { commits: [null] }, /commits\.0: /],
      ['commits: ["abc"]', { commits: ['abc'] }, /commits\.0: /],
      ['an after that is not a sha', { after: 'refs/heads/main' }, /after: must be a commit sha/],
      ['a head commit whose id is not a sha', { head_commit: { ...head, id: 'HEAD~1' } }, /head_commit\.id: /],
    ])(
      'with %s answers 400, is recorded as rejected with the reason, and stores no event',
      async (_, changes, reason) => {
        const res = await sendWebhook(gateway.url, 'push', pushOf(aliceRepo, changes), {
          secret: aliceProject.webhookSecret,
        });
        expect(res.status).toBe(400);
        expect(res.body.message).toMatch(reason);
        const [row] = await query(
          infra.databaseUrl,
          'SELECT status, reason, event_id FROM webhook_deliveries WHERE delivery_id = $1',
          [res.deliveryId],
        );
        expect(row).toEqual({ status: 'rejected', reason: res.body.message, event_id: null });
        const view = await delivery(res.deliveryId, alice);
        expect(view.body).toMatchObject({ deliveryId: res.deliveryId, status: 'rejected', reason: res.body.message });
        // The same delivery again: still refused, still one row.
        const again = await sendWebhook(gateway.url, 'push', pushOf(aliceRepo, changes), {
          secret: aliceProject.webhookSecret,
          deliveryId: res.deliveryId,
        });
        expect(again.status).toBe(400);
        expect(await stored(res.deliveryId)).toBe(1);
      },
    );

    it('with a null in repositories_added (an App delivery) answers 400 and is recorded as rejected', async () => {
      const payload = {
        action: 'added',
        installation: { id: aliceRepo.installationId, account: { login: 'alice-co', id: 1, type: 'Organization' } },
        repositories_added: [null],
        repositories_removed: [],
      };
      const res = await sendWebhook(gateway.url, 'installation_repositories', payload);
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(/repositories_added\.0: /);
      const view = await delivery(res.deliveryId, tokenFor('operator', ['admin']));
      expect(view.body).toMatchObject({ status: 'rejected', reason: res.body.message });
    });
  });
});
