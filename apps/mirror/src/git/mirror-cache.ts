import { createHash, randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Refusal } from '../refusal';
import { GitAuth, GitCli, GitCommandError } from '@klepaas/git';
import { classifyRemoteFailure } from './git-errors';
import { RepositoryLocks } from './repository-lock';

/** A file in each cached repository whose time says when a job last used it (for eviction). */
export const USED_MARKER = 'klepaas-used';

/** Every branch and tag, force-updated and pruned: the cache follows the source exactly. */
const REFSPECS = ['+refs/heads/*:refs/heads/*', '+refs/tags/*:refs/tags/*'];

/**
 * One bare repository per source repository, kept between jobs and fetched incrementally: a
 * deploy then downloads only what was pushed since the last one instead of the whole history
 * (which a fresh mirror needs, and a shallow clone cannot give). The directory name is a hash
 * of the URL, so no name from a request becomes a path. The cache holds no credentials: no
 * remote is configured, the URL is given to each fetch and the token travels in its environment.
 */
export class MirrorCache {
  constructor(
    private readonly git: GitCli,
    private readonly root: string,
    private readonly locks: RepositoryLocks,
  ) {}

  dirFor(sourceUrl: string): string {
    const key = createHash('sha256').update(sourceUrl).digest('hex').slice(0, 32);
    return join(this.root, 'repositories', `${key}.git`);
  }

  /**
   * The cache directory of `sourceUrl`, holding `commitSha` and its whole history. Fetches only
   * when the commit is not there yet (a redone job or a scale of the same commit fetches nothing).
   */
  async withCommit(sourceUrl: string, commitSha: string, auth: GitAuth): Promise<string> {
    const dir = this.dirFor(sourceUrl);
    if ((await exists(dir)) && (await this.hasCommit(dir, commitSha))) return this.used(dir);
    await mkdir(join(this.root, 'repositories'), { recursive: true }); // the lock file lives there
    return this.locks.withLock(dir, async () => {
      if (!(await exists(dir))) await this.create(dir);
      if (await this.hasCommit(dir, commitSha)) return dir;
      await this.fetch(dir, sourceUrl, REFSPECS, auth);
      // A commit no branch or tag reaches (e.g. a branch since force-pushed): ask for it by id.
      if (!(await this.hasCommit(dir, commitSha))) await this.fetch(dir, sourceUrl, [commitSha], auth).catch(ignore);
      if (!(await this.hasCommit(dir, commitSha))) {
        throw new Refusal('commit_not_found', `commit ${commitSha} is not in ${sourceUrl}`);
      }
      return this.used(dir);
    });
  }

  /** Notes that a job uses the repository now: the least recently used ones are evicted first. */
  private async used(dir: string): Promise<string> {
    await writeFile(join(dir, USED_MARKER), '').catch(() => undefined);
    return dir;
  }

  /**
   * Makes `sha` (the head of a target branch) readable in the cache, fetching that branch from the
   * target into `localRef` when it is not there: mostly objects the cache already has, since the
   * target holds the source's history plus one manifest commit per deploy.
   */
  async withObject(dir: string, sha: string, url: string, remoteRef: string, localRef: string, auth: GitAuth) {
    if (await this.hasCommit(dir, sha)) return;
    await this.locks.withLock(dir, async () => {
      if (await this.hasCommit(dir, sha)) return;
      await this.fetch(dir, url, [`+${remoteRef}:${localRef}`], auth);
    });
  }

  /**
   * Keeps the commit last pushed to a target, so the next push can leave out everything the
   * target already has (git only trusts what the target advertises if it has those objects).
   */
  async rememberPushed(dir: string, target: string, branch: string, commitSha: string): Promise<void> {
    await this.git.run(['update-ref', `refs/klepaas/pushed/${target}/${branch}`, commitSha], { gitDir: dir });
  }

  private async hasCommit(dir: string, sha: string): Promise<boolean> {
    try {
      const found = await this.git.run(['rev-parse', '--verify', '--quiet', '--end-of-options', `${sha}^{commit}`], {
        gitDir: dir,
      });
      return found.trim() === sha;
    } catch {
      return false;
    }
  }

  /** Created aside and renamed into place, so a crash never leaves a half-made cache behind. */
  private async create(dir: string): Promise<void> {
    const temp = `${dir}.tmp-${randomBytes(4).toString('hex')}`;
    try {
      // --template= : no sample hooks, nothing that could run during a job.
      await this.git.run(['init', '--quiet', '--bare', '--template=', temp]);
      await rename(temp, dir);
    } finally {
      await rm(temp, { recursive: true, force: true });
    }
  }

  private async fetch(dir: string, url: string, refspecs: string[], auth: GitAuth): Promise<void> {
    try {
      await this.git.run(['fetch', '--quiet', '--prune', '--no-tags', '--no-write-fetch-head', url, ...refspecs], {
        gitDir: dir,
        config: auth.config,
        secrets: auth.secrets,
      });
    } catch (error) {
      if (classifyRemoteFailure(error) === 'not-found') {
        throw new Refusal('source_not_found', `${url} does not exist or the installation cannot read it`);
      }
      throw error;
    }
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

function ignore(error: unknown): void {
  if (!(error instanceof GitCommandError) && !(error instanceof Refusal)) throw error;
}
