import { Inject, Injectable } from '@nestjs/common';
import { execFile } from 'node:child_process';
import { ResolvedSandboxOptions, SANDBOX_OPTIONS } from '../config/sandbox-options';

interface GitResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

/**
 * The few git plumbing commands the sandbox needs to read its own bare repositories (what a
 * build or a deploy sees at a branch head) and to keep them tidy. Runs `git` with a clean
 * environment so the developer's global config or a GIT_DIR from a test runner cannot leak in.
 */
@Injectable()
export class GitCli {
  constructor(@Inject(SANDBOX_OPTIONS) private readonly options: ResolvedSandboxOptions) {}

  /** The environment every git process of the sandbox gets (also used for `git http-backend`). */
  env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: this.options.dataDir,
      LANG: 'C',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_TERMINAL_PROMPT: '0',
      ...extra,
    };
  }

  run(args: string[], gitDir?: string): Promise<GitResult> {
    const fullArgs = gitDir ? [`--git-dir=${gitDir}`, ...args] : args;
    return new Promise((resolve) => {
      execFile(
        'git',
        fullArgs,
        { env: this.env(), encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
          resolve({ code, stdout, stderr: stderr.toString('utf8') });
        },
      );
    });
  }

  async initBare(dir: string, defaultBranch: string): Promise<void> {
    const result = await this.run(['init', '--quiet', '--bare', `--initial-branch=${defaultBranch}`, dir]);
    if (result.code !== 0) throw new Error(`git init failed: ${result.stderr.trim()}`);
  }

  /** The commit a branch points to, or undefined when the branch does not exist. */
  async branchHead(gitDir: string, branch: string): Promise<string | undefined> {
    const result = await this.run(['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`], gitDir);
    return result.code === 0 ? result.stdout.toString('utf8').trim() : undefined;
  }

  /** Resolves a branch, tag or (abbreviated) commit sha the way GitHub resolves a deployment's ref. */
  async resolveRef(gitDir: string, ref: string): Promise<string | undefined> {
    if (ref.startsWith('-')) return undefined;
    const candidates = [`refs/heads/${ref}`, `refs/tags/${ref}`];
    if (/^[0-9a-f]{4,40}$/i.test(ref)) candidates.push(ref);
    for (const candidate of candidates) {
      const result = await this.run(['rev-parse', '--verify', '--quiet', `${candidate}^{commit}`], gitDir);
      if (result.code === 0) return result.stdout.toString('utf8').trim();
    }
    return undefined;
  }

  /** A file's bytes at a commit, or undefined when there is no such file. */
  async commitMessage(gitDir: string, commit: string): Promise<string | undefined> {
    const result = await this.run(['log', '-1', '--format=%B', commit], gitDir);
    return result.code === 0 ? result.stdout.toString().trimEnd() : undefined;
  }

  /** Files changed between two commits (as `git diff --name-only base head`); undefined when either is unknown. */
  async changedFiles(gitDir: string, base: string, head: string): Promise<string[] | undefined> {
    const result = await this.run(['diff', '--name-only', '--end-of-options', base, head, '--'], gitDir);
    if (result.code !== 0) return undefined;
    return result.stdout.toString('utf8').split('\n').filter(Boolean);
  }

  async readFile(gitDir: string, commit: string, path: string): Promise<Buffer | undefined> {
    const clean = path.replace(/^(\.\/)+/, '').replace(/^\/+/, '');
    if (!clean || clean.split('/').includes('..')) return undefined;
    const result = await this.run(['cat-file', 'blob', `${commit}:${clean}`], gitDir);
    return result.code === 0 ? result.stdout : undefined;
  }

  async branches(gitDir: string): Promise<string[]> {
    const result = await this.run(['for-each-ref', '--format=%(refname:short)', 'refs/heads/'], gitDir);
    return result.code === 0 ? lines(result.stdout) : [];
  }

  /** branch → commit, to see which branches a push moved. */
  async branchHeads(gitDir: string): Promise<Map<string, string>> {
    const result = await this.run(['for-each-ref', '--format=%(objectname) %(refname:short)', 'refs/heads/'], gitDir);
    const heads = new Map<string, string>();
    for (const line of result.code === 0 ? lines(result.stdout) : []) {
      const [sha, name] = line.split(' ');
      heads.set(name, sha);
    }
    return heads;
  }

  async defaultBranch(gitDir: string): Promise<string | undefined> {
    const result = await this.run(['symbolic-ref', '--short', 'HEAD'], gitDir);
    return result.code === 0 ? result.stdout.toString('utf8').trim() : undefined;
  }

  async setDefaultBranch(gitDir: string, branch: string): Promise<void> {
    await this.run(['symbolic-ref', 'HEAD', `refs/heads/${branch}`], gitDir);
  }

  /**
   * A bare repository created empty points HEAD at a branch that may never be pushed. Like the
   * hosted services, point HEAD at a branch that exists (preferring main, then master), so a
   * clone checks something out.
   */
  async repairHead(gitDir: string): Promise<void> {
    const branches = await this.branches(gitDir);
    const head = await this.defaultBranch(gitDir);
    if (branches.length === 0 || (head && branches.includes(head))) return;
    const pick = ['main', 'master'].find((b) => branches.includes(b)) ?? branches[0];
    await this.setDefaultBranch(gitDir, pick);
  }
}

function lines(buffer: Buffer): string[] {
  return buffer
    .toString('utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}
