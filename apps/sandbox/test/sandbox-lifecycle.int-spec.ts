import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox } from '../src/start-sandbox';
import { clientsFor, DOCKERFILE, repositoryWith, SC, sandboxCall } from './support/fixtures';
import { git, pushFiles } from './support/git';

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

describe('starting, resetting and closing the sandbox, and SourceCommit git hosting', () => {
  it('listens on a free port and removes the data dir it made when closed', async () => {
    const sandbox = await startSandbox({ port: 0 });
    expect(sandbox.url).toBe(`http://127.0.0.1:${sandbox.port}`);
    expect(await exists(sandbox.options.dataDir)).toBe(true);
    await sandbox.close();
    expect(await exists(sandbox.options.dataDir)).toBe(false);
    await sandbox.close();
  });

  it('keeps a data dir it was given', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'sandbox-given-'));
    try {
      const sandbox = await startSandbox({ port: 0, dataDir });
      await sandbox.close();
      expect(await exists(join(dataDir, 'sourcecommit'))).toBe(true);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('serves SourceCommit repositories only to the git account, accepts new branches and force pushes', async () => {
    const sandbox = await startSandbox({ port: 0 });
    try {
      const { gitAuth } = clientsFor(sandbox);
      const repo = await repositoryWith(sandbox, { Dockerfile: DOCKERFILE });
      await expect(
        git(['ls-remote', repo.url], {
          auth: { username: sandbox.options.ncpAccessKey, password: sandbox.options.ncpSecretKey },
        }),
      ).rejects.toThrow();
      await expect(git(['ls-remote', repo.url])).rejects.toThrow();
      const feature = await pushFiles(repo.url, gitAuth, 'feature/x', { 'a.txt': 'a\n' });
      expect(await git(['ls-remote', repo.url, 'refs/heads/feature/x'], { auth: gitAuth })).toContain(feature);

      const dir = await mkdtemp(join(tmpdir(), 'sandbox-force-'));
      try {
        await git(['init', '--quiet', '--initial-branch=main', dir]);
        await git(['commit', '--quiet', '--allow-empty', '-m', 'unrelated history'], { cwd: dir });
        await git(['push', '--quiet', '--force', repo.url, 'HEAD:refs/heads/main'], { cwd: dir, auth: gitAuth });
        const head = await git(['rev-parse', 'HEAD'], { cwd: dir });
        expect(await git(['ls-remote', repo.url, 'refs/heads/main'], { auth: gitAuth })).toContain(head);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
      const branches = await clientsFor(sandbox).ncp.ok(
        'GET',
        `/ncp/sourcebuild/api/v1/sourcecommit/repository/${repo.name}/branch`,
      );
      expect(branches).toEqual({ default: 'main', branch: expect.arrayContaining(['main', 'feature/x']) });
    } finally {
      await sandbox.close();
    }
  });

  it('forgets every repository, project and rule on reset', async () => {
    const sandbox = await startSandbox({ port: 0 });
    try {
      const { ncp } = clientsFor(sandbox);
      await repositoryWith(sandbox, { Dockerfile: DOCKERFILE });
      await sandboxCall(sandbox, 'POST', '/_sandbox/faults', { party: 'slack', effect: 'status', status: 503 });
      expect((await sandboxCall(sandbox, 'POST', '/_sandbox/reset')).status).toBe(204);
      expect(await ncp.ok('GET', `${SC}/repository`)).toEqual({ total: 0, repository: [] });
      expect((await sandboxCall(sandbox, 'GET', '/_sandbox/faults')).body.faults).toEqual([]);
      const again = await repositoryWith(sandbox, { 'x.txt': 'x' });
      expect((await ncp.ok('GET', `${SC}/repository/${again.name}`)).id).toBe(10001);
    } finally {
      await sandbox.close();
    }
  });
});
