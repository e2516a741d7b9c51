import { request } from 'undici';
import { createService, RunningService } from '@klepaas/bootstrap';
import { loadConfig } from '@klepaas/config';
import { GithubClient } from '@klepaas/github';
import { createLogger } from '@klepaas/observability';
import { createIsolatedInfra, IsolatedInfra } from '@klepaas/testing';
import { gatewayService } from '../src/gateway.service';
import { tokenFor } from '../../../test/support/http';
import { RunningSandbox, sandboxEnv, startTestSandbox } from '../../../test/support/sandbox';
import { testEnv } from '../../../test/support/services';

const PUBLIC_URL = 'https://cicd.example.test';

interface Answer {
  status: number;
  headers: Record<string, unknown>;
  text: string;
}

async function send(
  url: string,
  init: { method?: 'GET' | 'POST'; form?: Record<string, string>; token?: string } = {},
) {
  const res = await request(url, {
    method: init.method ?? (init.form ? 'POST' : 'GET'),
    headers: {
      ...(init.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
    },
    body: init.form ? new URLSearchParams(init.form).toString() : undefined,
  });
  return { status: res.statusCode, headers: res.headers, text: await res.body.text() } as Answer;
}

const unescapeHtml = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** The manifest form the gateway hands the operator's browser: where it posts, and what. */
function manifestForm(html: string): { action: string; manifest: string } {
  const action = /<form method="post" action="([^"]+)">\s*<input type="hidden" name="manifest" value="([^"]*)">/.exec(
    html,
  );
  if (!action) throw new Error(`no manifest form in ${html.slice(0, 500)}`);
  return { action: unescapeHtml(action[1]), manifest: unescapeHtml(action[2]) };
}

/** Step 2 as the browser does it: the manifest posted to GitHub, which sends the browser back. */
async function postToGithub(form: { action: string; manifest: string }): Promise<URL> {
  const res = await send(form.action, { form: { manifest: form.manifest } });
  expect(res.status).toBe(302);
  return new URL(String(res.headers.location));
}

/** The GitHub App in one click, end to end against the sandbox's GitHub. */
describe('GitHub App setup from a manifest', () => {
  let infra: IsolatedInfra;
  let sandbox: RunningSandbox;
  let gateway: RunningService;
  const logLines: string[] = [];
  const operator = tokenFor('ops', ['admin']);

  beforeAll(async () => {
    infra = await createIsolatedInfra();
    sandbox = await startTestSandbox();
    // A fresh installation: no App configured yet, only where GitHub and the gateway are.
    const { KLEPAAS_GITHUB_APP_ID: _id, KLEPAAS_GITHUB_APP_PRIVATE_KEY: _key, ...env } = sandboxEnv(sandbox);
    const config = loadConfig('gateway', testEnv('gateway', infra, { ...env, KLEPAAS_PUBLIC_URL: PUBLIC_URL }));
    const logger = createLogger({
      app: 'gateway',
      level: 'info',
      secretValues: config.secretValues,
      destination: { write: (line: string) => void logLines.push(line) },
    });
    gateway = await createService(gatewayService, config, logger);
  });

  afterAll(async () => {
    await gateway?.close();
    await sandbox?.close();
    await infra?.dispose();
  });

  /** The callback GitHub redirected to names the public URL; the test reaches the same path here. */
  const atGateway = (callback: URL) => `${gateway.url}${callback.pathname}${callback.search}`;

  it('serves the setup form, and the manifest only to an operator', async () => {
    const form = await send(`${gateway.url}/api/v1/admin/github-app/setup`);
    expect(form.status).toBe(200);
    expect(form.text).toContain('name="token"');
    expect(form.headers['cache-control']).toBe('no-store');

    const setup = `${gateway.url}/api/v1/admin/github-app/setup`;
    expect((await send(setup, { form: { name: 'klepaas-test' } })).status).toBe(401);
    expect((await send(setup, { form: { name: 'klepaas-test', token: 'not-a-token' } })).status).toBe(401);
    expect((await send(setup, { form: { name: 'klepaas-test', token: tokenFor('alice') } })).status).toBe(403);
    expect((await send(setup, { form: { name: 'x'.repeat(35), token: operator } })).status).toBe(400);
    expect((await send(setup, { form: { name: 'ok', organization: 'bad org!', token: operator } })).status).toBe(400);
  });

  it('posts a manifest with exactly our permissions, events and URLs, and turns the code into configuration lines once', async () => {
    const page = await send(`${gateway.url}/api/v1/admin/github-app/setup`, {
      form: { name: 'klepaas-test', organization: 'acme', token: operator },
    });
    expect(page.status).toBe(200);
    const form = manifestForm(page.text);
    expect(form.action.startsWith(`${sandbox.url}/github/organizations/acme/settings/apps/new?state=`)).toBe(true);
    expect(JSON.parse(form.manifest)).toEqual({
      name: 'klepaas-test',
      url: PUBLIC_URL,
      description: expect.any(String),
      hook_attributes: { url: `${PUBLIC_URL}/api/v1/github/webhook`, active: true },
      redirect_url: `${PUBLIC_URL}/api/v1/admin/github-app/callback`,
      public: false,
      default_permissions: {
        contents: 'read',
        metadata: 'read',
        pull_requests: 'read',
        deployments: 'write',
        statuses: 'write',
      },
      default_events: ['push', 'pull_request', 'release'],
    });

    const callback = await postToGithub(form);
    expect(`${callback.origin}${callback.pathname}`).toBe(`${PUBLIC_URL}/api/v1/admin/github-app/callback`);
    const code = callback.searchParams.get('code')!;
    const state = callback.searchParams.get('state')!;

    // A state this gateway did not sign is refused before GitHub is asked (the code stays unused).
    const forged = new URL(callback);
    forged.searchParams.set('state', `${state.split('.')[0]}.${'A'.repeat(43)}`);
    const refused = await send(atGateway(forged));
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('not issued by this installation');
    expect((await send(atGateway(new URL(`${PUBLIC_URL}/api/v1/admin/github-app/callback?code=${code}`)))).status).toBe(
      400,
    );

    const created = await send(atGateway(callback));
    expect(created.status).toBe(200);
    expect(created.headers['cache-control']).toBe('no-store');
    const lines = Object.fromEntries(
      unescapeHtml(/<pre>([\s\S]*?)<\/pre>/.exec(created.text)![1])
        .split('\n')
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    expect(Object.keys(lines)).toEqual([
      'KLEPAAS_GITHUB_APP_ID',
      'KLEPAAS_GITHUB_APP_PRIVATE_KEY',
      'KLEPAAS_GITHUB_APP_WEBHOOK_SECRET',
    ]);
    expect(lines.KLEPAAS_GITHUB_APP_ID).toBe(String(sandbox.options.githubAppId));
    expect(lines.KLEPAAS_GITHUB_APP_PRIVATE_KEY).not.toContain('\n');
    expect(created.text).toContain(`${sandbox.url}/github/apps/klepaas-test/installations/new`);

    // The lines are configuration the services accept, and the App they name answers as itself.
    const config = loadConfig('gateway', testEnv('gateway', infra, { ...sandboxEnv(sandbox), ...lines }));
    const github = new GithubClient({
      apiUrl: config.github.apiUrl,
      appId: config.github.appId,
      appPrivateKey: config.github.appPrivateKey,
    });
    try {
      expect((await github.app()).id).toBe(Number(sandbox.options.githubAppId));
    } finally {
      await github.close();
    }

    // The code is single use: the same callback again gets GitHub's refusal, not the key.
    const again = await send(atGateway(callback));
    expect(again.status).toBe(502);
    expect(again.text).not.toContain('PRIVATE KEY');

    // Neither the code nor anything it bought reaches the log.
    const log = logLines.join('\n');
    expect(log).toContain('/api/v1/admin/github-app/callback');
    expect(log).not.toContain(code);
    expect(log).not.toContain(lines.KLEPAAS_GITHUB_APP_WEBHOOK_SECRET);
    expect(log).not.toContain('PRIVATE KEY');
  });

  it("posts to the operator's personal account when no organisation is named", async () => {
    const page = await send(`${gateway.url}/api/v1/admin/github-app/setup`, {
      form: { name: 'klepaas-personal' },
      token: operator,
    });
    expect(page.status).toBe(200);
    const form = manifestForm(page.text);
    expect(form.action.startsWith(`${sandbox.url}/github/settings/apps/new?state=`)).toBe(true);
    const callback = await postToGithub(form);
    expect((await send(atGateway(callback))).status).toBe(200);
  });
});
