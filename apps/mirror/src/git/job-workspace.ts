import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Refusal } from '../refusal';
import { GitAuth, GitCli } from '@klepaas/git';
import { classifyRemoteFailure } from './git-errors';
import { CommitIdentity, identityOf } from './commit-identity';

export interface TreeEntry {
  mode: string;
  type: string;
  oid: string;
}

/**
 * One job's scratch directory and the git plumbing it runs against the cached repository. The
 * mirror changes one file, so it never checks a tree out: it reads the file from the commit,
 * writes the new blob, builds the tree in an index kept in the scratch directory, and commits
 * with `commit-tree`. New objects land in the cache (harmless: unreferenced ones are collected
 * by git's gc, referenced ones make the next push smaller). `dispose` removes the directory.
 */
export class JobWorkspace {
  private constructor(
    private readonly git: GitCli,
    readonly gitDir: string,
    readonly dir: string,
  ) {}

  static async create(git: GitCli, jobsRoot: string, gitDir: string): Promise<JobWorkspace> {
    await mkdir(jobsRoot, { recursive: true });
    return new JobWorkspace(git, gitDir, await mkdtemp(join(jobsRoot, 'job-')));
  }

  /**
   * Removes scratch directories older than `olderThanMs`: a process killed mid-job leaves its own
   * behind, and a young one may belong to another process sharing the cache directory.
   */
  static async sweep(jobsRoot: string, olderThanMs = 60 * 60_000): Promise<void> {
    const names = await readdir(jobsRoot).catch(() => [] as string[]);
    for (const name of names.filter((n) => n.startsWith('job-'))) {
      const path = join(jobsRoot, name);
      const info = await stat(path).catch(() => undefined);
      if (info && Date.now() - info.mtimeMs > olderThanMs) await rm(path, { recursive: true, force: true });
    }
  }

  /** The commit the job was asked for, exactly: a short or ambiguous name never gets this far. */
  async verifyCommit(sha: string): Promise<void> {
    const found = (await this.run(['rev-parse', '--verify', '--end-of-options', `${sha}^{commit}`])).trim();
    if (found !== sha)
      throw new Refusal('commit_not_found', `expected commit ${sha}, the repository resolved ${found}`);
  }

  /** The entry at `path` in `commit`'s tree, or null. */
  async entry(commit: string, path: string): Promise<TreeEntry | null> {
    const out = await this.run(['ls-tree', '-z', '--full-tree', commit, '--', path]);
    const line = out.split('\0').find((l) => l.endsWith(`\t${path}`));
    if (!line) return null;
    const [mode, type, oid] = line.slice(0, line.indexOf('\t')).split(' ');
    return { mode, type, oid };
  }

  async blobSize(oid: string): Promise<number> {
    return Number((await this.run(['cat-file', '-s', oid])).trim());
  }

  async readBlob(oid: string): Promise<string> {
    return this.run(['cat-file', 'blob', oid]);
  }

  async writeBlob(text: string): Promise<string> {
    return (await this.run(['hash-object', '-w', '--stdin'], { input: text })).trim();
  }

  /** `commit`'s tree with `path` set to `blob`, built in this job's own index. */
  async treeWith(commit: string, path: string, blob: string, mode: string): Promise<string> {
    await this.run(['read-tree', commit]);
    await this.run(['update-index', '--add', '--cacheinfo', `${mode},${blob},${path}`]);
    return (await this.run(['write-tree'])).trim();
  }

  identityOf(commit: string): Promise<CommitIdentity> {
    return identityOf(this.git, this.gitDir, commit);
  }

  async commit(tree: string, parent: string, message: string, identity: CommitIdentity): Promise<string> {
    const out = await this.run(['commit-tree', tree, '-p', parent], { input: message, env: identity });
    return out.trim();
  }

  /**
   * Pushes `commit` as `branch`, replacing what is there (the target is a mirror: its history is
   * ours to replace) only if the branch still holds `expected` (null: does not exist yet). A
   * branch moved meanwhile fails the push (git's "stale info"), and the job is tried again.
   */
  async push(url: string, commit: string, branch: string, expected: string | null, auth: GitAuth): Promise<void> {
    const ref = `refs/heads/${branch}`;
    try {
      await this.git.run(
        ['push', '--quiet', '--porcelain', `--force-with-lease=${ref}:${expected ?? ''}`, url, `${commit}:${ref}`],
        {
          gitDir: this.gitDir,
          config: auth.config,
          secrets: auth.secrets,
        },
      );
    } catch (error) {
      const failure = classifyRemoteFailure(error);
      if (failure === 'not-found') throw new Refusal('target_not_found', `${url} does not exist`);
      if (failure === 'rejected') {
        throw new Refusal('push_rejected', `SourceCommit refused the push to ${branch}: ${(error as Error).message}`);
      }
      throw error;
    }
  }

  async dispose(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }

  private run(args: string[], options: { input?: string; env?: Record<string, string> } = {}): Promise<string> {
    return this.git.run(args, {
      gitDir: this.gitDir,
      input: options.input,
      env: { GIT_INDEX_FILE: join(this.dir, 'index'), ...options.env },
      timeoutMs: 60_000,
    });
  }
}
