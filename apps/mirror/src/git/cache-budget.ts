import { Logger } from '@nestjs/common';
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { USED_MARKER } from './mirror-cache';
import { RepositoryLocks } from './repository-lock';

/** Longer than any job: git commands time out after ten minutes. */
const IN_USE_MS = 15 * 60_000;

interface CachedRepository {
  dir: string;
  bytes: number;
  usedAt: number;
}

/**
 * Keeps the mirror's cache within a size: after a job (at most once a minute, in the background)
 * it measures every cached repository and removes the least recently used ones until the total
 * fits, each under its repository's lock so no job is using it. A removed repository costs only a
 * full fetch the next time it deploys.
 */
export class CacheBudget {
  private readonly log = new Logger(CacheBudget.name);
  private lastSweep = 0;
  private sweeping?: Promise<unknown>;

  constructor(
    private readonly root: string,
    private readonly maxBytes: number,
    private readonly locks: RepositoryLocks,
    private readonly minIntervalMs = 60_000,
  ) {}

  /** Starts a sweep unless one ran within the interval (or runs now); never throws. */
  maybeSweep(): void {
    if (this.sweeping || Date.now() - this.lastSweep < this.minIntervalMs) return;
    this.sweeping = this.sweep()
      .catch((error: unknown) => this.log.warn(`cache sweep failed: ${String((error as Error).message ?? error)}`))
      .finally(() => {
        this.sweeping = undefined;
        this.lastSweep = Date.now();
      });
  }

  /** Evicts least recently used repositories until the cache fits; returns what went and what is left. */
  async sweep(): Promise<{ evicted: string[]; bytes: number }> {
    const repositories = await this.measure();
    let total = repositories.reduce((sum, r) => sum + r.bytes, 0);
    const evicted: string[] = [];
    // A repository a job used in the last minutes may still be in use outside its lock.
    const idleSince = Date.now() - IN_USE_MS;
    for (const repo of repositories.sort((a, b) => a.usedAt - b.usedAt)) {
      if (total <= this.maxBytes || repo.usedAt > idleSince) break;
      await this.locks.withLock(repo.dir, () => rm(repo.dir, { recursive: true, force: true }));
      total -= repo.bytes;
      evicted.push(repo.dir);
    }
    if (evicted.length)
      this.log.log(`evicted ${evicted.length} cached repositories; the cache holds ${Math.round(total / 2 ** 20)} MB`);
    return { evicted, bytes: total };
  }

  private async measure(): Promise<CachedRepository[]> {
    const parent = join(this.root, 'repositories');
    const names = (await readdir(parent).catch(() => [] as string[])).filter((n) => n.endsWith('.git'));
    const found: CachedRepository[] = [];
    for (const name of names) {
      const dir = join(parent, name);
      const used = await stat(join(dir, USED_MARKER)).catch(() => stat(dir));
      found.push({ dir, bytes: await sizeOf(dir), usedAt: used.mtimeMs });
    }
    return found;
  }
}

async function sizeOf(path: string): Promise<number> {
  const info = await stat(path).catch(() => undefined);
  if (!info) return 0;
  if (!info.isDirectory()) return info.size;
  let total = 0;
  for (const entry of await readdir(path).catch(() => [] as string[])) total += await sizeOf(join(path, entry));
  return total;
}
