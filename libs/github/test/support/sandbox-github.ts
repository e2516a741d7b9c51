import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { RunningSandbox } from '../../../../apps/sandbox/src/start-sandbox';

const run = promisify(execFile);

/** The sandbox's GitHub setup routes (docs/sandbox.md, `/_sandbox/github/...`) and its REST API as admin. */
export class SandboxGithub {
  constructor(private readonly sandbox: RunningSandbox) {}

  async installation(account: string): Promise<number> {
    return (await this.post<{ id: number }>('/_sandbox/github/installations', { account })).id;
  }

  async repository(owner: string, name: string, installationId?: number): Promise<{ id: number; cloneUrl: string }> {
    return this.post('/_sandbox/github/repos', { owner, name, installationId });
  }

  async user(login: string, id?: number): Promise<{ login: string; id: number }> {
    return this.post('/_sandbox/github/users', { login, ...(id ? { id } : {}) });
  }

  async grant(owner: string, repo: string, login: string, permission: string): Promise<void> {
    const res = await fetch(`${this.sandbox.url}/_sandbox/github/repos/${owner}/${repo}/collaborators/${login}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ permission }),
    });
    if (!res.ok) throw new Error(`sandbox grant answered ${res.status}: ${await res.text()}`);
  }

  async recordPull(owner: string, repo: string, pull: Record<string, unknown>): Promise<void> {
    await this.post(`/_sandbox/github/repos/${owner}/${repo}/pulls`, pull);
  }

  /** Adds a fault rule for the GitHub party; returns its id. */
  async fault(rule: Record<string, unknown>): Promise<string> {
    return (await this.post<{ id: string }>('/_sandbox/faults', { party: 'github', effect: 'status', ...rule })).id;
  }

  async faultHits(id: string): Promise<number> {
    const { faults } = (await (await fetch(`${this.sandbox.url}/_sandbox/faults`)).json()) as {
      faults: { id: string; hits: number }[];
    };
    return faults.find((f) => f.id === id)?.hits ?? -1;
  }

  /** GET on the sandbox's GitHub API with a given token (the admin token by default). */
  async api(path: string, token = this.sandbox.options.githubAdminToken): Promise<{ status: number; body: any }> {
    const res = await fetch(`${this.sandbox.url}/github/api${path}`, { headers: { authorization: `token ${token}` } });
    return { status: res.status, body: await res.json() };
  }

  /**
   * Commits one file as the first commit of `branch` and pushes it with the admin token, which
   * travels as an http.extraHeader in this command's environment, never in a URL or a config file.
   */
  async pushCommit(cloneUrl: string, branch = 'main'): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'github-int-'));
    const basic = Buffer.from(`x-access-token:${this.sandbox.options.githubAdminToken}`).toString('base64');
    const env = {
      ...process.env,
      GIT_TERMINAL_PROMPT: '0',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_AUTHOR_NAME: 'GitHub Client Test',
      GIT_AUTHOR_EMAIL: 'test@klepaas.invalid',
      GIT_COMMITTER_NAME: 'GitHub Client Test',
      GIT_COMMITTER_EMAIL: 'test@klepaas.invalid',
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'http.extraHeader',
      GIT_CONFIG_VALUE_0: `Authorization: Basic ${basic}`,
    };
    const git = async (...args: string[]) => (await run('git', args, { cwd: dir, env })).stdout.trim();
    try {
      await git('init', '--quiet', `--initial-branch=${branch}`);
      await writeFile(join(dir, 'README.md'), '# test\n');
      await git('add', '--all');
      await git('commit', '--quiet', '-m', 'first');
      await git('push', '--quiet', cloneUrl, `HEAD:refs/heads/${branch}`);
      return await git('rev-parse', 'HEAD');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  private async post<T = any>(path: string, body: unknown): Promise<T> {
    const res = await fetch(`${this.sandbox.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`sandbox ${path} answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as T;
  }
}
