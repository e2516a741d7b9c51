import { open, readFile, rm, stat } from 'node:fs/promises';

export interface RepositoryLockOptions {
  /** Give up waiting after this long (the job is then retried later). */
  timeoutMs?: number;
  /** A lock file older than this is a crashed holder's: taken over. */
  staleMs?: number;
  pollMs?: number;
}

/**
 * One writer per cached repository at a time. Inside this process, jobs queue on a promise
 * chain; across processes sharing the cache directory, a lock file created exclusively (with
 * the holder's pid) does the same, and a holder that died leaves a lock that is taken over.
 */
export class RepositoryLocks {
  private readonly tails = new Map<string, Promise<void>>();
  private readonly timeoutMs: number;
  private readonly staleMs: number;
  private readonly pollMs: number;

  constructor(options: RepositoryLockOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 5 * 60_000;
    this.staleMs = options.staleMs ?? 15 * 60_000;
    this.pollMs = options.pollMs ?? 50;
  }

  async withLock<T>(repositoryDir: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(repositoryDir) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.tails.set(repositoryDir, tail);
    try {
      await previous;
      const lockFile = `${repositoryDir}.lock`;
      await this.acquireFile(lockFile);
      try {
        return await work();
      } finally {
        await rm(lockFile, { force: true });
      }
    } finally {
      release();
      if (this.tails.get(repositoryDir) === tail) this.tails.delete(repositoryDir);
    }
  }

  private async acquireFile(lockFile: string): Promise<void> {
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      try {
        const handle = await open(lockFile, 'wx');
        await handle.writeFile(String(process.pid));
        await handle.close();
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      if (await this.isAbandoned(lockFile)) {
        await rm(lockFile, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for the lock ${lockFile}`);
      await new Promise((resolve) => setTimeout(resolve, this.pollMs));
    }
  }

  private async isAbandoned(lockFile: string): Promise<boolean> {
    try {
      const [info, text] = await Promise.all([stat(lockFile), readFile(lockFile, 'utf8')]);
      if (Date.now() - info.mtimeMs > this.staleMs) return true;
      const pid = Number(text);
      // Our own pid here means a holder of this process died without cleaning up (we queue in-process).
      return Number.isInteger(pid) && pid > 0 && (pid === process.pid || !isAlive(pid));
    } catch {
      return false; // vanished or half-written: look again on the next round
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
