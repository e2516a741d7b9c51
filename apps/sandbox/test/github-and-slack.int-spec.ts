import { createSign, generateKeyPairSync } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { startSandbox, RunningSandbox } from '../src/start-sandbox';
import { sandboxCall } from './support/fixtures';
import { cloneInto, pushFiles } from './support/git';

const APP_ID = '31337';
const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
const { privateKey: strangerKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

/** An App JWT signed RS256 with node:crypto, as an App's backend makes one. */
function appJwt(options: { key?: string; iss?: string; expiresIn?: number } = {}): string {
  const now = Math.floor(Date.now() / 1000);
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const data = `${encode({ alg: 'RS256', typ: 'JWT' })}.${encode({ iat: now - 30, exp: now + (options.expiresIn ?? 540), iss: options.iss ?? APP_ID })}`;
  return `${data}.${createSign('RSA-SHA256')
    .update(data)
    .sign(options.key ?? privateKey)
    .toString('base64url')}`;
}

describe('GitHub stand-ins (App tokens, repositories, pull requests, deployments) and the Slack sink', () => {
  let sandbox: RunningSandbox;
  let api: (method: string, path: string, auth?: string, body?: unknown) => Promise<{ status: number; body: any }>;
  let head: string;
  const admin = () => ({ username: 'x-access-token', password: sandbox.options.githubAdminToken });

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, githubAppId: APP_ID, githubAppPrivateKey: privateKey });
    api = async (method, path, auth, body) => {
      const response = await fetch(`${sandbox.url}/github/api${path}`, {
        method,
        headers: {
          ...(auth ? { authorization: auth } : {}),
          ...(body ? { 'content-type': 'application/json' } : {}),
          accept: 'application/vnd.github+json',
        },
        body: body ? JSON.stringify(body) : undefined,
      });
      return { status: response.status, body: await response.json() };
    };
    const created = await sandboxCall(sandbox, 'POST', '/_sandbox/github/repos', {
      owner: 'octo-org',
      name: 'hello-app',
      installationId: 777,
    });
    expect(created.status).toBe(201);
    head = await pushFiles(created.body.cloneUrl, admin(), 'main', { 'README.md': '# hello\n' });
    await sandboxCall(sandbox, 'POST', '/_sandbox/github/repos', {
      owner: 'other-org',
      name: 'secret',
      installationId: 888,
    });
  });
  afterAll(() => sandbox.close());

  it('exchanges an App JWT for an installation token that clones the repository over git', async () => {
    const installation = await api('GET', '/repos/octo-org/hello-app/installation', `Bearer ${appJwt()}`);
    expect(installation).toMatchObject({
      status: 200,
      body: { id: 777, app_id: Number(APP_ID), account: { login: 'octo-org' } },
    });
    const issued = await api('POST', '/app/installations/777/access_tokens', `Bearer ${appJwt()}`);
    expect(issued.status).toBe(201);
    expect(issued.body).toEqual(
      expect.objectContaining({ token: expect.stringMatching(/^ghs_/), expires_at: expect.any(String) }),
    );
    expect(Date.parse(issued.body.expires_at)).toBeGreaterThan(Date.now());

    const dir = await cloneInto(`${sandbox.url}/github/git/octo-org/hello-app.git`, {
      username: 'x-access-token',
      password: issued.body.token,
    });
    try {
      expect(await readFile(join(dir, 'README.md'), 'utf8')).toBe('# hello\n');
    } finally {
      await rm(dirname(dir), { recursive: true, force: true });
    }
    const repo = await api('GET', '/repos/octo-org/hello-app', `token ${issued.body.token}`);
    expect(repo.body).toMatchObject({
      full_name: 'octo-org/hello-app',
      default_branch: 'main',
      clone_url: `${sandbox.url}/github/git/octo-org/hello-app.git`,
    });
  });

  it('refuses App JWTs signed with another key, naming another App, or expiring more than ten minutes ahead', async () => {
    for (const jwt of [appJwt({ key: strangerKey }), appJwt({ iss: '1' }), appJwt({ expiresIn: 700 }), 'not.a.jwt']) {
      const response = await api('POST', '/app/installations/777/access_tokens', `Bearer ${jwt}`);
      expect(response.status).toBe(401);
      expect(response.body.message).toEqual(expect.any(String));
    }
  });

  it('keeps an installation token to its own installation’s repositories, over the API and over git', async () => {
    const { body } = await api('POST', '/app/installations/777/access_tokens', `Bearer ${appJwt()}`);
    expect((await api('GET', '/repos/other-org/secret', `token ${body.token}`)).status).toBe(404);
    await expect(
      cloneInto(`${sandbox.url}/github/git/other-org/secret.git`, { username: 'x-access-token', password: body.token }),
    ).rejects.toThrow(/not found/i);
    await expect(
      cloneInto(`${sandbox.url}/github/git/octo-org/hello-app.git`, {
        username: 'x-access-token',
        password: 'ghs_madeup',
      }),
    ).rejects.toThrow();
    expect((await api('GET', '/repos/octo-org/hello-app', 'token ghs_madeup')).status).toBe(401);
  });

  it('answers which installation covers a repository only to the App, and 404 for repositories it does not cover', async () => {
    expect((await api('GET', '/repos/octo-org/hello-app/installation')).status).toBe(401);
    expect((await api('GET', '/repos/nobody/nothing/installation', `Bearer ${appJwt()}`)).status).toBe(404);
  });

  it('lists the merged pull request a commit came from', async () => {
    const recorded = await sandboxCall(sandbox, 'POST', '/_sandbox/github/repos/octo-org/hello-app/pulls', {
      number: 42,
      mergeCommitSha: head,
      baseRef: 'main',
    });
    expect(recorded.status).toBe(201);
    const pulls = await api(
      'GET',
      `/repos/octo-org/hello-app/commits/${head}/pulls`,
      `token ${sandbox.options.githubAdminToken}`,
    );
    expect(pulls.status).toBe(200);
    expect(pulls.body).toEqual([
      expect.objectContaining({
        number: 42,
        merged: true,
        merge_commit_sha: head,
        base: expect.objectContaining({ ref: 'main' }),
      }),
    ]);
    expect(
      (
        await api(
          'GET',
          `/repos/octo-org/hello-app/commits/${'0'.repeat(40)}/pulls`,
          `token ${sandbox.options.githubAdminToken}`,
        )
      ).body,
    ).toEqual([]);
  });

  it('records deployments and their statuses with GitHub’s paths and shapes', async () => {
    const { body: grant } = await api('POST', '/app/installations/777/access_tokens', `Bearer ${appJwt()}`);
    const auth = `Bearer ${grant.token}`;
    const deployment = await api('POST', '/repos/octo-org/hello-app/deployments', auth, {
      ref: 'main',
      environment: 'production',
      auto_merge: false,
      required_contexts: [],
    });
    expect(deployment).toMatchObject({
      status: 201,
      body: { id: expect.any(Number), sha: head, ref: 'main', environment: 'production', task: 'deploy' },
    });
    const id = deployment.body.id;
    expect(
      (await api('POST', `/repos/octo-org/hello-app/deployments/${id}/statuses`, auth, { state: 'in_progress' }))
        .status,
    ).toBe(201);
    const success = await api('POST', `/repos/octo-org/hello-app/deployments/${id}/statuses`, auth, {
      state: 'success',
      environment_url: 'http://app.example',
    });
    expect(success.body).toMatchObject({
      state: 'success',
      environment: 'production',
      environment_url: 'http://app.example',
    });
    const statuses = await api('GET', `/repos/octo-org/hello-app/deployments/${id}/statuses`, auth);
    expect(statuses.body.map((s: any) => s.state)).toEqual(['success', 'in_progress']);
    expect((await api('GET', '/repos/octo-org/hello-app/deployments?environment=production', auth)).body[0].id).toBe(
      id,
    );

    expect(
      (await api('POST', `/repos/octo-org/hello-app/deployments/${id}/statuses`, auth, { state: 'exploded' })).status,
    ).toBe(422);
    const unknownRef = await api('POST', '/repos/octo-org/hello-app/deployments', auth, { ref: 'no-such-branch' });
    expect(unknownRef).toMatchObject({ status: 422, body: { message: 'No ref found for: no-such-branch' } });
  });

  it('records commit statuses, and shows every Deployment and commit status it received under /_sandbox', async () => {
    const { body: grant } = await api('POST', '/app/installations/777/access_tokens', `Bearer ${appJwt()}`);
    const auth = `Bearer ${grant.token}`;
    const created = await api('POST', `/repos/octo-org/hello-app/statuses/${head}`, auth, {
      state: 'pending',
      context: 'klepaas/deploy',
      description: 'deploying',
      target_url: 'http://paas.example/runs/1',
    });
    expect(created).toMatchObject({ status: 201, body: { state: 'pending', context: 'klepaas/deploy' } });
    await api('POST', `/repos/octo-org/hello-app/statuses/${head}`, auth, {
      state: 'success',
      context: 'klepaas/deploy',
    });
    const listed = await api('GET', `/repos/octo-org/hello-app/commits/${head}/statuses`, auth);
    expect(listed.body.map((s: any) => s.state)).toEqual(['success', 'pending']);
    expect(
      (await api('POST', `/repos/octo-org/hello-app/statuses/${'0'.repeat(40)}`, auth, { state: 'success' })).status,
    ).toBe(422);
    expect((await api('POST', `/repos/octo-org/hello-app/statuses/${head}`, auth, { state: 'exploded' })).status).toBe(
      422,
    );

    const read = (path: string) =>
      fetch(`${sandbox.url}/_sandbox/github/${path}`).then((r) => r.json() as Promise<any>);
    const { statuses } = await read('statuses?repo=octo-org/hello-app');
    expect(statuses.map((s: any) => [s.repository, s.sha, s.state, s.context])).toEqual([
      ['octo-org/hello-app', head, 'pending', 'klepaas/deploy'],
      ['octo-org/hello-app', head, 'success', 'klepaas/deploy'],
    ]);
    const { deployments } = await read('deployments?repo=octo-org/hello-app');
    expect(deployments[0]).toMatchObject({ repository: 'octo-org/hello-app', sha: head, environment: 'production' });
    expect(deployments[0].statuses.map((s: any) => s.state)).toEqual(['in_progress', 'success']);
    expect((await read('deployments?repo=nobody/none')).deployments).toEqual([]);
  });

  it('records what is posted to a Slack incoming webhook and answers like Slack', async () => {
    const post = (body: string, type = 'application/json') =>
      fetch(`${sandbox.url}/slack/services/T000/B000/XXXX`, {
        method: 'POST',
        headers: { 'content-type': type },
        body,
      });
    const ok = await post(JSON.stringify({ text: 'Deployed octo-org/hello-app', blocks: [] }));
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('ok');
    expect(await (await post('{broken')).text()).toBe('invalid_payload');
    const noText = await post(JSON.stringify({ channel: '#x' }));
    expect(noText.status).toBe(400);
    expect(await noText.text()).toBe('no_text');
    const messages = (await sandboxCall(sandbox, 'GET', '/_sandbox/slack/messages')).body.messages;
    expect(messages).toEqual([
      expect.objectContaining({
        path: '/services/T000/B000/XXXX',
        body: { text: 'Deployed octo-org/hello-app', blocks: [] },
      }),
    ]);
  });
});
