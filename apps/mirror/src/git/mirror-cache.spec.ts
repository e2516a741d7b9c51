import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalSource } from '../../test/support/local-git';
import { Refusal } from '../refusal';
import { GitCli, NO_AUTH } from '@klepaas/git';
import { MirrorCache } from './mirror-cache';
import { RepositoryLocks } from './repository-lock';

describe('MirrorCache', () => {
  let root: string;
  let source: LocalSource;
  let git: GitCli;
  let fetches: number;
  let cache: MirrorCache;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'mirror-cache-'));
    git = new GitCli();
    source = await LocalSource.create(git, join(root, 'source'));
    fetches = 0;
    const counting = new GitCli();
    const run = counting.run.bind(counting);
    counting.run = (args, options) => {
      if (args[0] === 'fetch') fetches++;
      return run(args, options);
    };
    cache = new MirrorCache(counting, join(root, 'cache'), new RepositoryLocks());
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('keeps one bare repository per source and fetches only what it lacks', async () => {
    const first = await source.commit({ 'a.txt': '1' });
    const dir = await cache.withCommit(source.dir, first, NO_AUTH);
    expect(fetches).toBe(1);
    expect(await cache.withCommit(source.dir, first, NO_AUTH)).toBe(dir); // a redone job: no fetch
    expect(fetches).toBe(1);
    const second = await source.commit({ 'a.txt': '2' });
    await cache.withCommit(source.dir, second, NO_AUTH);
    expect(fetches).toBe(2);
    expect((await git.run(['rev-list', '--count', second], { gitDir: dir })).trim()).toBe('2');
  });

  it('fetches once for jobs of one repository arriving together', async () => {
    const head = await source.commit({ 'a.txt': '1' });
    const dirs = await Promise.all([1, 2, 3].map(() => cache.withCommit(source.dir, head, NO_AUTH)));
    expect(new Set(dirs).size).toBe(1);
    expect(fetches).toBe(1);
  });

  it('configures no remote: the URL is given to each fetch, so no credential can be stored', async () => {
    const head = await source.commit({ 'a.txt': '1' });
    const dir = await cache.withCommit(source.dir, head, NO_AUTH);
    const config = await readFile(join(dir, 'config'), 'utf8');
    expect(config).not.toMatch(/remote|url/);
  });

  it('refuses a commit the source does not have', async () => {
    await source.commit({ 'a.txt': '1' });
    const missing = 'f'.repeat(40);
    await expect(cache.withCommit(source.dir, missing, NO_AUTH)).rejects.toThrow(Refusal);
    await expect(cache.withCommit(source.dir, missing, NO_AUTH)).rejects.toThrow(`commit ${missing} is not in`);
  });

  it('refuses a source that does not exist', async () => {
    const error = await cache.withCommit(join(root, 'nowhere'), 'f'.repeat(40), NO_AUTH).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'source_not_found' });
  });
});
