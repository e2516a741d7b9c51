import { spawn } from 'node:child_process';
import { devNull, tmpdir } from 'node:os';

/** A `git -c key=value` given through the environment instead, so it never shows in argv. */
export type GitConfigEntry = readonly [key: string, value: string];

export interface GitRunOptions {
  /** The repository (`GIT_DIR`); the mirror works on bare repositories only. */
  gitDir?: string;
  /** Extra environment (e.g. GIT_INDEX_FILE, author and committer). */
  env?: Record<string, string>;
  /** Configuration for this one command: credentials live here, never in a file or argv. */
  config?: readonly GitConfigEntry[];
  /** Written to stdin. */
  input?: string;
  timeoutMs?: number;
  /** Values scrubbed from an error's text should git ever echo one. */
  secrets?: readonly string[];
}

export class GitCommandError extends Error {
  override readonly name = 'GitCommandError';

  constructor(
    /** The git subcommand and its arguments (never a credential: those travel in the environment). */
    readonly args: readonly string[],
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(`git ${args[0]} failed (${exitCode === null ? 'killed' : `exit ${exitCode}`}): ${lastLines(stderr)}`);
  }
}

/** Environment variables git may need from ours (proxies, CA bundles); nothing else leaks in. */
const INHERITED = [
  'PATH',
  'HOME',
  'TMPDIR',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'ALL_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'GIT_SSL_CAINFO',
  'GIT_SSL_CAPATH',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
];

const DEFAULT_TIMEOUT_MS = 10 * 60_000;
const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

/**
 * Runs git as a child process with a clean, predictable environment: no system or user
 * configuration (a user's `commit.gpgSign` or `url.insteadOf` must not change what we commit
 * or where we push), no prompts, English messages (errors are classified by their text), and
 * a stalled transfer aborted rather than left hanging.
 */
export class GitCli {
  constructor(private readonly binary = 'git') {}

  run(args: readonly string[], options: GitRunOptions = {}): Promise<string> {
    const env = this.environment(options);
    return new Promise((resolve, reject) => {
      // cwd outside any checkout: a command must never pick up the repository it happens to run in.
      const child = spawn(this.binary, [...args], { env, cwd: tmpdir(), stdio: ['pipe', 'pipe', 'pipe'] });
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      let size = 0;
      const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
      child.stdout.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_OUTPUT_BYTES) child.kill('SIGKILL');
        else stdout.push(chunk);
      });
      child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
      child.stdin.on('error', () => undefined); // git may exit before reading all of stdin
      child.stdin.end(options.input ?? '');
      child.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        if (code === 0) return resolve(Buffer.concat(stdout).toString('utf8'));
        const text = scrub(Buffer.concat(stderr).toString('utf8'), options.secrets ?? []);
        reject(new GitCommandError(args, code, text));
      });
    });
  }

  private environment(options: GitRunOptions): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {};
    for (const name of INHERITED) if (process.env[name] !== undefined) env[name] = process.env[name];
    Object.assign(env, {
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: devNull,
      GIT_TERMINAL_PROMPT: '0',
      LC_ALL: 'C',
      // Abort a transfer slower than 1 KB/s for a minute instead of waiting for ever.
      GIT_HTTP_LOW_SPEED_LIMIT: '1000',
      GIT_HTTP_LOW_SPEED_TIME: '60',
      ...(options.gitDir ? { GIT_DIR: options.gitDir } : {}),
      ...options.env,
    });
    const config = options.config ?? [];
    env.GIT_CONFIG_COUNT = String(config.length);
    config.forEach(([key, value], i) => {
      env[`GIT_CONFIG_KEY_${i}`] = key;
      env[`GIT_CONFIG_VALUE_${i}`] = value;
    });
    return env;
  }
}

function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret) out = out.split(secret).join('[REDACTED]');
  return out;
}

function lastLines(text: string): string {
  const lines = text.trim().split('\n').filter(Boolean);
  return lines.slice(-3).join(' / ') || 'no message';
}
