import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface GitAuth {
  username: string;
  password: string;
}

/**
 * Runs real git against the sandbox. Credentials travel as an http.extraHeader given through
 * GIT_CONFIG_* variables of this one command: never in a URL, never in a repository's config.
 */
export async function git(args: string[], options: { cwd?: string; auth?: GitAuth } = {}): Promise<string> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Sandbox Test',
    GIT_AUTHOR_EMAIL: 'test@sandbox.invalid',
    GIT_COMMITTER_NAME: 'Sandbox Test',
    GIT_COMMITTER_EMAIL: 'test@sandbox.invalid',
  };
  if (options.auth) {
    env.GIT_CONFIG_COUNT = '1';
    env.GIT_CONFIG_KEY_0 = 'http.extraHeader';
    env.GIT_CONFIG_VALUE_0 = `Authorization: Basic ${Buffer.from(`${options.auth.username}:${options.auth.password}`).toString('base64')}`;
  }
  const { stdout } = await run('git', args, { cwd: options.cwd, env });
  return stdout.trim();
}

/** Commits `files` on top of what the branch holds (or as its first commit) and pushes; returns the new commit sha. */
export async function pushFiles(
  url: string,
  auth: GitAuth,
  branch: string,
  files: Record<string, string>,
  message = 'test commit',
): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sandbox-test-push-'));
  try {
    await git(['init', '--quiet', `--initial-branch=${branch}`, dir]);
    const exists = (await git(['ls-remote', '--heads', url, branch], { auth })) !== '';
    if (exists) {
      await git(['fetch', '--quiet', url, branch], { cwd: dir, auth });
      await git(['reset', '--quiet', '--hard', 'FETCH_HEAD'], { cwd: dir });
    }
    for (const [path, content] of Object.entries(files)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), content);
    }
    await git(['add', '--all'], { cwd: dir });
    await git(['commit', '--quiet', '--allow-empty', '-m', message], { cwd: dir });
    await git(['push', '--quiet', url, `HEAD:refs/heads/${branch}`], { cwd: dir, auth });
    return await git(['rev-parse', 'HEAD'], { cwd: dir });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Clones into a fresh temp dir; the caller removes its parent (nothing is left when the clone fails). */
export async function cloneInto(url: string, auth: GitAuth): Promise<string> {
  const parent = await mkdtemp(join(tmpdir(), 'sandbox-test-clone-'));
  try {
    await git(['clone', '--quiet', url, join(parent, 'repo')], { auth });
  } catch (error) {
    await rm(parent, { recursive: true, force: true });
    throw error;
  }
  return join(parent, 'repo');
}
