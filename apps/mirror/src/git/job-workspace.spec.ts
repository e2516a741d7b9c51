import { mkdtemp, readdir, rm, utimes } from 'node:fs/promises';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalSource, SOURCE_IDENTITY } from '../../test/support/local-git';
import { GitCli, NO_AUTH } from '@klepaas/git';
import { JobWorkspace } from './job-workspace';
import { MirrorCache } from './mirror-cache';
import { RepositoryLocks } from './repository-lock';

describe('JobWorkspace', () => {
  const git = new GitCli();
  let root: string;
  let gitDir: string;
  let head: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'mirror-job-'));
    const source = await LocalSource.create(git, join(root, 'source'));
    head = await source.commit({ 'k8s/deployment.yaml': 'old: 1\n', 'src/app.txt': 'app\n' });
    gitDir = await new MirrorCache(git, join(root, 'cache'), new RepositoryLocks()).withCommit(
      source.dir,
      head,
      NO_AUTH,
    );
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  async function deployCommit(): Promise<string> {
    const workspace = await JobWorkspace.create(git, join(root, 'jobs'), gitDir);
    try {
      await workspace.verifyCommit(head);
      const entry = await workspace.entry(head, 'k8s/deployment.yaml');
      expect(entry).toMatchObject({ mode: '100644', type: 'blob' });
      expect(await workspace.readBlob(entry!.oid)).toBe('old: 1\n');
      const blob = await workspace.writeBlob('new: 2\n');
      const tree = await workspace.treeWith(head, 'k8s/deployment.yaml', blob, entry!.mode);
      return await workspace.commit(tree, head, 'deploy\n', await workspace.identityOf(head));
    } finally {
      await workspace.dispose();
    }
  }

  it('commits one changed file on top of the source without checking anything out', async () => {
    const commit = await deployCommit();
    const show = (spec: string) => git.run(['show', spec], { gitDir });
    expect(await show(`${commit}:k8s/deployment.yaml`)).toBe('new: 2\n');
    expect(await show(`${commit}:src/app.txt`)).toBe('app\n');
    expect((await git.run(['rev-parse', `${commit}^`], { gitDir })).trim()).toBe(head);
  });

  it('takes author, committer and their dates (time zones included) from the source commit', async () => {
    const commit = await deployCommit();
    const people = await git.run(['show', '-s', '--date=raw', '--format=%an|%ae|%ad|%cn|%ce|%cd', commit], { gitDir });
    const i = SOURCE_IDENTITY;
    const date = (d: string) => d.slice(1);
    expect(people.trim()).toBe(
      [
        i.GIT_AUTHOR_NAME,
        i.GIT_AUTHOR_EMAIL,
        date(i.GIT_AUTHOR_DATE),
        i.GIT_COMMITTER_NAME,
        i.GIT_COMMITTER_EMAIL,
        date(i.GIT_COMMITTER_DATE),
      ].join('|'),
    );
  });

  it('makes the same commit every time, so a redone job pushes the same sha', async () => {
    expect(await deployCommit()).toBe(await deployCommit());
  });

  it('refuses an abbreviated or different commit id', async () => {
    const workspace = await JobWorkspace.create(git, join(root, 'jobs'), gitDir);
    try {
      await expect(workspace.verifyCommit(head.slice(0, 12))).rejects.toThrow(/expected commit/);
    } finally {
      await workspace.dispose();
    }
  });

  it('leaves no scratch directory behind, and sweeps the old ones a crash left', async () => {
    await deployCommit();
    expect(await readdir(join(root, 'jobs'))).toEqual([]);
    const crashed = join(root, 'jobs', 'job-crashed');
    const recent = join(root, 'jobs', 'job-running');
    await mkdir(crashed);
    await mkdir(recent);
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    await utimes(crashed, twoHoursAgo, twoHoursAgo);
    await JobWorkspace.sweep(join(root, 'jobs'));
    expect(await readdir(join(root, 'jobs'))).toEqual(['job-running']);
  });
});
