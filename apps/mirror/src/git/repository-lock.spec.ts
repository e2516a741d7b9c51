import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RepositoryLocks } from './repository-lock';

describe('RepositoryLocks', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'mirror-lock-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('runs the work on one repository one at a time, in arrival order', async () => {
    const locks = new RepositoryLocks();
    const events: string[] = [];
    const job = (name: string) =>
      locks.withLock(join(dir, 'a.git'), async () => {
        events.push(`${name} in`);
        await new Promise((resolve) => setImmediate(resolve));
        events.push(`${name} out`);
        return name;
      });
    expect(await Promise.all([job('1'), job('2'), job('3')])).toEqual(['1', '2', '3']);
    expect(events).toEqual(['1 in', '1 out', '2 in', '2 out', '3 in', '3 out']);
  });

  it('lets different repositories proceed side by side', async () => {
    const locks = new RepositoryLocks();
    let release!: () => void;
    const held = locks.withLock(join(dir, 'a.git'), () => new Promise<void>((resolve) => (release = resolve)));
    await expect(locks.withLock(join(dir, 'b.git'), async () => 'b')).resolves.toBe('b');
    release();
    await held;
  });

  it('releases the lock when the work fails', async () => {
    const locks = new RepositoryLocks();
    await expect(locks.withLock(join(dir, 'a.git'), () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(locks.withLock(join(dir, 'a.git'), async () => 'next')).resolves.toBe('next');
  });

  it('takes over a lock file left by a process that died', async () => {
    await writeFile(join(dir, 'a.git.lock'), '2147483646'); // no such process
    const locks = new RepositoryLocks({ timeoutMs: 2000 });
    await expect(locks.withLock(join(dir, 'a.git'), async () => 'mine')).resolves.toBe('mine');
  });

  it('waits for a lock another live process holds, then gives up', async () => {
    await writeFile(join(dir, 'a.git.lock'), String(process.ppid)); // alive: the test runner's parent
    const locks = new RepositoryLocks({ timeoutMs: 200, pollMs: 20 });
    await expect(locks.withLock(join(dir, 'a.git'), async () => 'never')).rejects.toThrow(/timed out waiting/);
  });
});
