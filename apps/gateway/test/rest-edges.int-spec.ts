import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createService, RunningService } from '@klepaas/bootstrap';
import { loadConfig } from '@klepaas/config';
import { createLogger } from '@klepaas/observability';
import { createIsolatedInfra, IsolatedInfra } from '@klepaas/testing';
import { gatewayService } from '../src/gateway.service';
import { query } from '../../../test/support/database';
import { getJson, postJson, tokenFor } from '../../../test/support/http';
import { createGithubRepository, RunningSandbox, sandboxEnv, startTestSandbox } from '../../../test/support/sandbox';
import { testEnv } from '../../../test/support/services';

const crafted = (text: string) => Buffer.from(text).toString('base64url');
const ID = '5b0c9a2e-1f3d-4c5e-8a7b-9c0d1e2f3a4b';

/** The REST API's edges, tried as a hostile client would: crafted cursors, huge bodies, floods. */
describe('REST edges', () => {
  let infra: IsolatedInfra;
  let sandbox: RunningSandbox;
  let gateway: RunningService;
  const logLines: string[] = [];
  const alice = tokenFor('alice');
  const operator = tokenFor('operator', ['admin']);
  let projectId: string;

  beforeAll(async () => {
    infra = await createIsolatedInfra();
    sandbox = await startTestSandbox();
    const config = loadConfig('gateway', testEnv('gateway', infra, sandboxEnv(sandbox)));
    const logger = createLogger({
      app: 'gateway',
      level: 'info',
      secretValues: config.secretValues,
      destination: { write: (line: string) => void logLines.push(line) },
    });
    gateway = await createService(gatewayService, config, logger);
    await createGithubRepository(sandbox, 'acme', 'edges');
    projectId = (await postJson(`${gateway.url}/api/v1/projects`, { owner: 'acme', repo: 'edges' }, alice)).body.id;
  });

  afterAll(async () => {
    await gateway?.close();
    await sandbox?.close();
    await infra?.dispose();
  });

  it.each([
    ['a date that does not exist', crafted(`2026-02-30 10:00:00+00|${ID}`)],
    ['an impossible timestamp', crafted(`9999-99-99 99:99:99+00|${ID}`)],
    ['an id of dashes', crafted(`2026-01-01 00:00:00+00|${'-'.repeat(36)}`)],
    ['garbage', 'not-a-cursor!!'],
  ])('answers 400, never 500, to a cursor with %s on every list', async (_, cursor) => {
    const lists = [
      ['/api/v1/projects', alice],
      [`/api/v1/projects/${projectId}/runs`, alice],
      [`/api/v1/projects/${projectId}/deployments`, alice],
      ['/api/v1/admin/parked', operator],
      ['/api/v1/admin/takeovers', operator],
    ];
    for (const [path, token] of lists) {
      const res = await getJson(`${gateway.url}${path}?cursor=${encodeURIComponent(cursor)}`, token);
      expect({ path, status: res.status }).toEqual({ path, status: 400 });
      expect(res.body.message).toMatch(/cursor/);
    }
  });

  it('answers 413 to a REST body over 1 MB, logging one line and no stack trace', async () => {
    const marker = randomUUID();
    const before = logLines.length;
    const res = await postJson(
      `${gateway.url}/api/v1/projects`,
      { owner: 'acme', repo: 'edges', marker, padding: 'x'.repeat(2 * 1024 * 1024) },
      alice,
    );
    expect(res).toEqual({
      status: 413,
      body: { statusCode: 413, error: 'Payload Too Large', message: 'request entity too large' },
    });
    const logged = logLines.slice(before).map((l) => JSON.parse(l));
    expect(logged.filter((l) => l.level >= 50)).toEqual([]);
    expect(logged.some((l) => /\n\s+at /.test(l.msg ?? ''))).toBe(false);
    expect(logged.some((l) => l.context === 'HttpError' && /413 request entity too large/.test(l.msg))).toBe(true);
  });

  it('shows at most 50 registrations the read model has not caught up with', async () => {
    const settings = JSON.stringify({
      branch: 'main',
      autoDeploy: true,
      mergeOnly: false,
      paths: [],
      replicas: 1,
      containerPort: 8080,
    });
    for (let i = 0; i < 60; i++) {
      await query(
        infra.databaseUrl,
        `INSERT INTO repository_claims (github_repository_id, project_id, owner_id, owner, repo, settings)
         VALUES ($1, $2, 'flooder', 'flood', $3, $4::jsonb)`,
        [70_000_000 + i, randomUUID(), `r${i}`, settings],
      );
    }
    const list = await getJson(`${gateway.url}/api/v1/projects?limit=1`, tokenFor('flooder'));
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(50);
  });

  it('listens on loopback only in sandbox mode', () => {
    expect((gateway.app.getHttpServer().address() as AddressInfo).address).toBe('127.0.0.1');
  });
});
