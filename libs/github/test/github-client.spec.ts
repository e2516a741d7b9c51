import { generateKeyPairSync } from 'node:crypto';
import { inspect } from 'node:util';
import { GithubClient, GithubError } from '@klepaas/github';
import { FakeGithub } from './support/fake-github';

const TOKEN = 'ghp_configuredToken0123456789abcdefghij';
const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();

describe('GitHub client (against a fake GitHub)', () => {
  let fake: FakeGithub;
  const clients: GithubClient[] = [];
  const client = (options: Partial<ConstructorParameters<typeof GithubClient>[0]> = {}) => {
    const made = new GithubClient({ apiUrl: fake.url, ...options });
    clients.push(made);
    return made;
  };

  beforeEach(async () => {
    fake = await FakeGithub.start();
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await fake.close();
  });

  it('uses the configured token when no App is configured, whatever the installation', async () => {
    const github = client({ token: TOKEN });
    expect(github.usesApp).toBe(false);
    await expect(github.tokenFor(null)).resolves.toBe(TOKEN);
    await expect(github.tokenFor(70001)).resolves.toBe(TOKEN);
  });

  it('throws no-credentials when neither an App nor a token is configured', async () => {
    const error = await client()
      .tokenFor(null)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GithubError);
    expect(error).toMatchObject({ code: 'no-credentials', status: 0 });
    await expect(client().getRepository('o', 'r', null)).rejects.toMatchObject({ code: 'no-credentials' });
    expect(fake.requests).toHaveLength(0);
  });

  it('needs the App to look up installations', async () => {
    await expect(client({ token: TOKEN }).findRepositoryInstallation('o', 'r')).rejects.toMatchObject({
      code: 'no-credentials',
      call: { method: 'GET', path: '/repos/{owner}/{repo}/installation' },
    });
  });

  it('refuses half an App configuration at construction', () => {
    expect(() => client({ appId: '1' })).toThrow('KLEPAAS_GITHUB_APP_PRIVATE_KEY is missing');
    expect(() => client({ appPrivateKey: privateKey })).toThrow('KLEPAAS_GITHUB_APP_ID is missing');
  });

  it('as an App without a token, has nothing for calls without an installation', async () => {
    const github = client({ appId: '1', appPrivateKey: privateKey });
    expect(github.usesApp).toBe(true);
    await expect(github.tokenFor(null)).rejects.toMatchObject({ code: 'no-credentials' });
  });

  it('shows neither the token nor the private key when the client is logged', () => {
    const github = client({ appId: '1', appPrivateKey: privateKey, token: TOKEN });
    const shown = `${inspect(github, { depth: 10, showHidden: true })}${JSON.stringify(github)}`;
    expect(shown).not.toContain(TOKEN);
    expect(shown).not.toContain('PRIVATE KEY');
    expect(shown).not.toContain(privateKey.split('\n')[1]);
  });

  it('answers a name that cannot be a path segment as "no such repository" without sending anything', async () => {
    const github = client({ token: TOKEN });
    await expect(github.getRepository('..', 'app', null)).resolves.toBeNull();
    await expect(github.pullRequestsForCommit('o', 'r', '', null)).rejects.toMatchObject({
      code: 'not-found',
      status: 0,
    });
    expect(fake.requests).toHaveLength(0);
  });

  it('drops a cached installation token that GitHub refuses, so the next call exchanges a new one', async () => {
    fake
      .on(
        'POST',
        '/app/installations/5/access_tokens',
        { status: 201, json: { token: 'ghs_first', expires_at: inAnHour() } },
        { status: 201, json: { token: 'ghs_second', expires_at: inAnHour() } },
      )
      .on('GET', '/repos/o/r', { status: 401, json: { message: 'Bad credentials' } });
    const github = client({ appId: '1', appPrivateKey: privateKey });
    await expect(github.getRepository('o', 'r', 5)).rejects.toMatchObject({ code: 'unauthorized' });
    await expect(github.tokenFor(5)).resolves.toBe('ghs_second');
    expect(fake.requests.map((r) => r.headers.authorization)).toEqual([
      expect.stringMatching(/^Bearer ey/),
      'Bearer ghs_first',
      expect.stringMatching(/^Bearer ey/),
    ]);
  });

  it('sends auto_merge false and no required contexts with a deployment, and shortens a long status description', async () => {
    fake
      .on('POST', '/repos/o/r/deployments', { status: 201, json: { id: 900001 } })
      .on('POST', '/repos/o/r/deployments/900001/statuses', { status: 201, json: { id: 1 } });
    const github = client({ token: TOKEN });
    await expect(
      github.createDeployment('o', 'r', null, { ref: 'main', environment: 'production', payload: { run: 'x' } }),
    ).resolves.toEqual({ id: 900001 });
    await github.createDeploymentStatus('o', 'r', null, 900001, {
      state: 'success',
      description: '배포'.repeat(100),
      logUrl: 'https://example.com/runs/x',
    });
    expect(fake.requests[0].json).toEqual({
      ref: 'main',
      environment: 'production',
      payload: { run: 'x' },
      auto_merge: false,
      required_contexts: [],
    });
    const status = fake.requests[1].json as { description: string };
    expect(status).toMatchObject({ state: 'success', log_url: 'https://example.com/runs/x' });
    expect(status.description).toHaveLength(140);
    expect(status.description.endsWith('…')).toBe(true);
  });

  it('reports a 2xx answer missing a documented field as unexpected, naming the field', async () => {
    fake.on('GET', '/repos/o/r', { json: { id: 1, name: 'r' } });
    await expect(client({ token: TOKEN }).getRepository('o', 'r', null)).rejects.toMatchObject({
      code: 'unexpected',
      message: expect.stringContaining('full_name'),
    });
  });
});
