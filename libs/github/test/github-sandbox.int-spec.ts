import { generateKeyPairSync } from 'node:crypto';
import { GithubClient, GithubError } from '@klepaas/github';
import { pollUntil } from '@klepaas/testing';
import { startSandbox, type RunningSandbox } from '../../../apps/sandbox/src/start-sandbox';
import { SandboxGithub } from './support/sandbox-github';

/**
 * The client against the sandbox's GitHub stand-in over real HTTP: the App JWT checked with the
 * App's key, installation tokens that really expire, repositories, pull requests, deployments.
 */
describe('GitHub client against the sandbox', () => {
  let sandbox: RunningSandbox;
  let setup: SandboxGithub;
  let github: GithubClient;
  const clients: GithubClient[] = [];
  const owner = 'octo-org';
  let installationId: number;
  let repoId: number;
  let headSha: string;

  const appClient = (s: RunningSandbox, key = s.options.githubAppPrivateKey) => {
    const client = new GithubClient({
      apiUrl: `${s.url}/github/api`,
      appId: s.options.githubAppId,
      appPrivateKey: key,
    });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, logger: false });
    setup = new SandboxGithub(sandbox);
    github = appClient(sandbox);
    installationId = await setup.installation(owner);
    const repo = await setup.repository(owner, 'app', installationId);
    repoId = repo.id;
    headSha = await setup.pushCommit(repo.cloneUrl);
    await setup.repository(owner, 'uncovered');
    await setup.repository('elsewhere', 'other', await setup.installation('elsewhere'));
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await sandbox?.close();
  });

  it('finds the installation of the App that covers a repository', async () => {
    await expect(github.findRepositoryInstallation(owner, 'app')).resolves.toEqual({ installationId, account: owner });
  });

  it('answers null for a repository no installation covers, and for one that does not exist', async () => {
    await expect(github.findRepositoryInstallation(owner, 'uncovered')).resolves.toBeNull();
    await expect(github.findRepositoryInstallation(owner, 'missing')).resolves.toBeNull();
  });

  it('exchanges one installation token for concurrent callers and keeps using it', async () => {
    const fresh = appClient(sandbox);
    const tokens = await Promise.all(Array.from({ length: 8 }, () => fresh.tokenFor(installationId)));
    // Every exchange mints a new random token, so one distinct value means one exchange.
    expect(new Set(tokens).size).toBe(1);
    expect(tokens[0]).toMatch(/^ghs_/);
    await expect(fresh.tokenFor(installationId)).resolves.toBe(tokens[0]);
    expect((await setup.api(`/repos/${owner}/app`, tokens[0])).status).toBe(200);
  });

  it('refreshes an installation token five minutes before it expires, while the old one still works', async () => {
    // Tokens live 5 min + 4 s here, so the cached one becomes due for refresh within seconds.
    const shortLived = await startSandbox({ port: 0, logger: false, githubTokenTtlMs: 5 * 60_000 + 4_000 });
    try {
      const short = new SandboxGithub(shortLived);
      const id = await short.installation('short-org');
      await short.repository('short-org', 'app', id);
      const client = appClient(shortLived);
      const first = await client.tokenFor(id);
      await expect(client.tokenFor(id)).resolves.toBe(first);
      const second = await pollUntil(
        () => client.tokenFor(id),
        (token) => token !== first,
        { description: 'a refreshed installation token' },
      );
      expect(second).toMatch(/^ghs_/);
      expect((await short.api('/repos/short-org/app', first)).status).toBe(200);
      expect((await short.api('/repos/short-org/app', second)).status).toBe(200);
    } finally {
      await shortLived.close();
    }
  });

  it('reads a repository with the installation token', async () => {
    await expect(github.getRepository(owner, 'app', installationId)).resolves.toEqual({
      id: repoId,
      name: 'app',
      fullName: `${owner}/app`,
      owner,
      defaultBranch: 'main',
      private: true,
      cloneUrl: `${sandbox.url}/github/git/${owner}/app.git`,
    });
  });

  it("answers null for a repository outside the token's installation, as GitHub hides it with 404", async () => {
    await expect(github.getRepository('elsewhere', 'other', installationId)).resolves.toBeNull();
    await expect(github.getRepository(owner, 'missing', installationId)).resolves.toBeNull();
  });

  it('reads a repository with a plain token when no App is configured', async () => {
    const plain = new GithubClient({ apiUrl: `${sandbox.url}/github/api`, token: sandbox.options.githubAdminToken });
    clients.push(plain);
    expect(plain.usesApp).toBe(false);
    await expect(plain.getRepository('elsewhere', 'other', null)).resolves.toMatchObject({
      fullName: 'elsewhere/other',
    });
  });

  it("reports a user's permission on a repository with the installation token, as GitHub's collaborator API does", async () => {
    const { githubDeveloperLogin, githubDeveloperId } = sandbox.options;
    await expect(github.collaboratorPermission(owner, 'app', githubDeveloperLogin, installationId)).resolves.toEqual({
      permission: 'admin',
      user: { id: githubDeveloperId, login: githubDeveloperLogin },
    });
    await expect(github.collaboratorPermission(owner, 'app', owner, installationId)).resolves.toMatchObject({
      permission: 'admin',
    });
    const stranger = await setup.user('a-stranger');
    await expect(github.collaboratorPermission(owner, 'app', 'a-stranger', installationId)).resolves.toEqual({
      permission: 'none',
      user: { id: stranger.id, login: 'a-stranger' },
    });
    await setup.grant(owner, 'app', 'a-stranger', 'write');
    await expect(github.collaboratorPermission(owner, 'app', 'A-Stranger', installationId)).resolves.toMatchObject({
      permission: 'write',
    });
    await setup.grant(owner, 'app', githubDeveloperLogin, 'read');
    await expect(
      github.collaboratorPermission(owner, 'app', githubDeveloperLogin, installationId),
    ).resolves.toMatchObject({ permission: 'read' });
    await expect(github.collaboratorPermission(owner, 'app', 'nobody-known', installationId)).resolves.toBeNull();
    // A repository outside the token's installation is hidden, as every repository call is.
    await expect(github.collaboratorPermission('elsewhere', 'other', owner, installationId)).resolves.toBeNull();
  });

  it('lists the merged pull request a commit belongs to, by merge commit or by head', async () => {
    const mergeSha = 'a'.repeat(40);
    const head = 'b'.repeat(40);
    await setup.recordPull(owner, 'app', {
      number: 7,
      mergeCommitSha: mergeSha,
      baseRef: 'main',
      headRef: 'feat',
      headSha: head,
    });
    const [pull, ...rest] = await github.pullRequestsForCommit(owner, 'app', mergeSha, installationId);
    expect(rest).toEqual([]);
    expect(pull).toEqual({
      number: 7,
      state: 'closed',
      mergedAt: expect.any(String),
      mergeCommitSha: mergeSha,
      baseRef: 'main',
      headRef: 'feat',
      headSha: head,
    });
    expect(Number.isNaN(Date.parse(pull.mergedAt ?? ''))).toBe(false);
    await expect(github.pullRequestsForCommit(owner, 'app', head, installationId)).resolves.toHaveLength(1);
    await expect(github.pullRequestsForCommit(owner, 'app', 'c'.repeat(40), installationId)).resolves.toEqual([]);
  });

  it('creates a deployment and adds statuses that GitHub then lists', async () => {
    const { id } = await github.createDeployment(owner, 'app', installationId, {
      ref: 'main',
      environment: 'production',
      description: 'run 42',
      payload: { runId: '42' },
    });
    await github.createDeploymentStatus(owner, 'app', installationId, id, { state: 'in_progress' });
    await github.createDeploymentStatus(owner, 'app', installationId, id, {
      state: 'success',
      description: 'deployed',
      logUrl: 'https://klepaas.example/runs/42',
      environmentUrl: 'https://app.example',
    });
    const deployment = await setup.api(`/repos/${owner}/app/deployments/${id}`);
    expect(deployment.body).toMatchObject({
      id,
      sha: headSha,
      ref: 'main',
      environment: 'production',
      description: 'run 42',
      payload: { runId: '42' },
    });
    const statuses = await setup.api(`/repos/${owner}/app/deployments/${id}/statuses`);
    expect(statuses.body.map((s: { state: string }) => s.state)).toEqual(['success', 'in_progress']);
    expect(statuses.body[0]).toMatchObject({
      description: 'deployed',
      log_url: 'https://klepaas.example/runs/42',
      environment_url: 'https://app.example',
    });
  });

  it("reports GitHub's 422 for a ref that does not exist", async () => {
    const error = await github
      .createDeployment(owner, 'app', installationId, { ref: 'no-such-branch', environment: 'production' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GithubError);
    expect(error).toMatchObject({ code: 'unexpected', status: 422 });
    expect((error as Error).message).toContain('No ref found for: no-such-branch');
  });

  it('refuses an App JWT signed with the wrong key as unauthorized, without showing the key', async () => {
    const { privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const wrong = appClient(sandbox, privateKey);
    const lookup = await wrong.findRepositoryInstallation(owner, 'app').catch((e: unknown) => e);
    expect(lookup).toBeInstanceOf(GithubError);
    expect(lookup).toMatchObject({ code: 'unauthorized', status: 401 });
    const exchange = await wrong.tokenFor(installationId).catch((e: unknown) => e);
    expect(exchange).toMatchObject({ code: 'unauthorized', status: 401 });
    expect(JSON.stringify(exchange)).not.toContain(privateKey.split('\n')[1]);
  });

  it('retries a read that GitHub answered with 503 and returns the answer', async () => {
    const fault = await setup.fault({ status: 503, method: 'GET', path: `/repos/${owner}/app/commits/` });
    await expect(github.pullRequestsForCommit(owner, 'app', 'a'.repeat(40), installationId)).resolves.toHaveLength(1);
    expect(await setup.faultHits(fault)).toBe(1);
  });

  it('reports a 429 as rate-limited at once, with the wait GitHub asked for', async () => {
    const fault = await setup.fault({
      status: 429,
      retryAfterSeconds: 30,
      times: 5,
      method: 'GET',
      path: `/repos/${owner}/app`,
    });
    const error = await github.getRepository(owner, 'app', installationId).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'rate-limited', status: 429, retryAfterMs: 30_000, attempts: 1 });
    expect(await setup.faultHits(fault)).toBe(1);
  });
});
