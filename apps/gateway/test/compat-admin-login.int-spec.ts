import { createService, RunningService } from '@klepaas/bootstrap';
import { hashPassword, TokenVerifier } from '@klepaas/auth';
import { loadConfig } from '@klepaas/config';
import { createLogger } from '@klepaas/observability';
import { createIsolatedInfra, IsolatedInfra } from '@klepaas/testing';
import { FAILURES_PER_CLIENT_PER_MINUTE } from '../src/compat/admin-login';
import { gatewayService } from '../src/gateway.service';
import { DashboardClient } from '../../../test/support/dashboard';
import { getJson } from '../../../test/support/http';
import { TEST_SECRETS, testEnv } from '../../../test/support/services';

const PASSWORD = 'the-operators-own-password';
/** The cheapest cost a hash may have, so the tests stay quick; the script writes 2^15. */
const HASH = hashPassword(PASSWORD, { N: 1 << 14, r: 8, p: 1 });
const ENABLED = {
  KLEPAAS_ADMIN_LOGIN_USERNAME: 'ops',
  KLEPAAS_ADMIN_LOGIN_PASSWORD_HASH: HASH,
  KLEPAAS_ADMIN_LOGIN_GITHUB_LOGIN: 'ops-on-github',
  KLEPAAS_ADMIN_LOGIN_GITHUB_USER_ID: '777001',
};
const verifier = new TokenVerifier({ secret: TEST_SECRETS.jwt, issuer: 'klepaas', audience: 'klepaas' });

describe("the dashboard's admin login", () => {
  let infra: IsolatedInfra;
  const gateways: RunningService[] = [];
  const logLines: string[] = [];

  /** A gateway whose log lines are kept, so a test can look for a password in them. */
  async function gateway(env: Record<string, string> = {}): Promise<RunningService> {
    const config = loadConfig('gateway', testEnv('gateway', infra, env));
    const logger = createLogger({
      app: 'gateway',
      level: 'info',
      secretValues: config.secretValues,
      destination: { write: (line: string) => void logLines.push(line) },
    });
    const started = await createService(gatewayService, config, logger);
    gateways.push(started);
    return started;
  }
  const login = (g: RunningService, body: Record<string, unknown>) =>
    new DashboardClient(g.url, 'http://dashboard.example.test').post('/auth/oauth2/admin/login', body);

  beforeAll(async () => {
    infra = await createIsolatedInfra();
  });

  afterAll(async () => {
    for (const g of gateways) await g.close();
    await infra?.dispose();
  });

  it('is not served unless an operator enables it', async () => {
    const plain = await gateway();
    const answer = await login(plain, { username: 'admin', password: 'admin' });
    expect(answer.status).toBe(404);
    expect(answer.body).toMatchObject({ statusCode: 404, message: expect.stringMatching(/not enabled/) });
  });

  it('issues our own token for the configured operator, which every route of ours accepts', async () => {
    const enabled = await gateway(ENABLED);
    const answer = await login(enabled, { username: 'ops', password: PASSWORD });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      success: true,
      access_token: expect.any(String),
      token_type: 'bearer',
      expires_in: 8 * 3600,
      user: { id: 'admin:ops', provider_id: 'admin:ops', email: '', name: 'ops', provider: 'admin' },
      message: 'logged in',
    });
    const token = answer.body.access_token;
    const principal = verifier.verify(token);
    expect(principal).toMatchObject({
      userId: 'admin:ops',
      roles: ['admin'],
      github: { id: 777001, login: 'ops-on-github' },
    });
    expect(principal.expiresAt - Date.now()).toBeGreaterThan(8 * 3600 * 1000 - 60_000);
    expect(principal.expiresAt - Date.now()).toBeLessThanOrEqual(8 * 3600 * 1000);
    const me = await new DashboardClient(enabled.url, 'http://dashboard.example.test', token).get('/auth/me');
    expect(me.body).toMatchObject({ id: 'admin:ops', provider: 'admin', roles: ['admin'] });
    expect((await getJson(`${enabled.url}/api/v1/projects`, token)).status).toBe(200);
    expect((await getJson(`${enabled.url}/api/v1/admin/parked`, token)).status).toBe(200);
  });

  it('refuses a wrong password and an unknown user alike, and never logs the password', async () => {
    const enabled = await gateway(ENABLED);
    const before = logLines.length;
    for (const body of [
      { username: 'ops', password: 'not-the-password' },
      { username: 'root', password: PASSWORD },
    ]) {
      const answer = await login(enabled, body);
      expect(answer.status).toBe(401);
      expect(answer.body).toMatchObject({ statusCode: 401, message: 'invalid username or password' });
    }
    const missing = await login(enabled, { username: 'ops' });
    expect(missing.status).toBe(400);
    expect(missing.body.message).toEqual([expect.stringMatching(/^password:/)]);
    const logged = logLines.slice(before).join('\n');
    expect(logged).toMatch(/admin login refused/);
    expect(logged).not.toContain(PASSWORD);
    expect(logged).not.toContain('not-the-password');
  });

  it('stops a client after a few failures, before checking any password, and says when to come back', async () => {
    const limited = await gateway(ENABLED);
    for (let i = 0; i < FAILURES_PER_CLIENT_PER_MINUTE; i++) {
      expect((await login(limited, { username: 'ops', password: `guess-${i}` })).status).toBe(401);
    }
    // Even the right password: the limit is checked first, so guessing costs the attacker a minute.
    const answer = await login(limited, { username: 'ops', password: PASSWORD });
    expect(answer.status).toBe(429);
    expect(answer.body).toMatchObject({ statusCode: 429, message: expect.stringMatching(/too many login attempts/) });
    const retryAfter = Number(answer.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
  });
  it("describes the dashboard's routes in OpenAPI: the login open to all, the others behind the bearer token", async () => {
    const plain = gateways[0] ?? (await gateway());
    const { body } = await getJson(`${plain.url}/api/docs-json`);
    const compat = Object.entries(body.paths as Record<string, Record<string, any>>).flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(([, op]) => op.tags?.includes('compat: original dashboard'))
        .map(([method, op]) => ({ path, method, secured: Boolean(op.security?.length) })),
    );
    expect(compat).toHaveLength(17);
    expect(compat.filter((r) => !r.secured)).toEqual([
      { path: '/api/v1/auth/oauth2/admin/login', method: 'post', secured: false },
    ]);
  });
});
