import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CacheBudget } from './cache-budget';
import { USED_MARKER } from './mirror-cache';
import { RepositoryLocks } from './repository-lock';

describe('CacheBudget', () => {
  let root: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'cache-budget-'));
    await mkdir(join(root, 'repositories'));
  });

  afterEach(() => rm(root, { recursive: true, force: true }));

  /** A cached repository of `kb` kilobytes last used `minutesAgo`. */
  const cached = async (name: string, kb: number, minutesAgo: number) => {
    const dir = join(root, 'repositories', `${name}.git`);
    await mkdir(join(dir, 'objects', 'pack'), { recursive: true });
    await writeFile(join(dir, 'objects', 'pack', 'pack-1.pack'), Buffer.alloc(kb * 1024));
    await writeFile(join(dir, USED_MARKER), '');
    const at = new Date(Date.now() - minutesAgo * 60_000);
    await utimes(join(dir, USED_MARKER), at, at);
  };
  const left = async () => (await readdir(join(root, 'repositories'))).filter((n) => n.endsWith('.git')).sort();

  it('evicts the least recently used repositories until the cache fits', async () => {
    await cached('old', 400, 120);
    await cached('older', 400, 240);
    await cached('recent', 400, 30);
    const result = await new CacheBudget(root, 900 * 1024, new RepositoryLocks()).sweep();
    expect(await left()).toEqual(['old.git', 'recent.git']);
    expect(result.evicted).toEqual([join(root, 'repositories', 'older.git')]);
    expect(result.bytes).toBeLessThanOrEqual(900 * 1024);
  });

  it('never evicts a repository a job may still be using, even over the budget', async () => {
    await cached('busy', 400, 1);
    await cached('idle', 400, 60);
    await new CacheBudget(root, 100 * 1024, new RepositoryLocks()).sweep();
    expect(await left()).toEqual(['busy.git']);
  });

  it('takes the repository’s lock to evict it: a sweep that meets a fetch under way finishes after it', async () => {
    await cached('fetching', 400, 60);
    const locks = new RepositoryLocks({ pollMs: 5 });
    const dir = join(root, 'repositories', 'fetching.git');
    let release!: () => void;
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    const held = locks.withLock(dir, () => {
      entered();
      return new Promise<void>((r) => (release = r));
    });
    await inside;
    const sweep = new CacheBudget(root, 0, locks).sweep();
    expect(await left()).toEqual(['fetching.git']);
    release();
    await held;
    await sweep;
    expect(await left()).toEqual([]);
  });
});
