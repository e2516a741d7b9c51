import { Agent, request } from 'undici';
import { errorFromResponse, networkError, redactor, unexpectedBody } from './error-mapping';
import type { GithubCall } from './errors';
import {
  backoffDelay,
  DEFAULT_RETRY,
  isNotSentNetworkError,
  isRetryableNetworkError,
  isRetryableStatus,
  type RetryOptions,
} from './retry';

/** The REST version we speak; GitHub answers in that version's shapes whatever changes later. */
export const GITHUB_API_VERSION = '2022-11-28';
export const DEFAULT_USER_AGENT = 'klepaas-cicd';
export const DEFAULT_TIMEOUT_MS = 10_000;

export type GithubMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface GithubRequest {
  method: GithubMethod;
  /** Path under the API URL (`/repos/o/r`), segments already encoded; may carry a query. */
  path: string;
  /** The bearer credential: an installation token, the configured token or the App JWT; `null` for the one unauthenticated call (a manifest conversion). */
  token: string | null;
  body?: unknown;
  /** Safe to send twice. GETs are; a create is not unless said so. */
  idempotent?: boolean;
  /** A conditional GET: GitHub answers 304 (and does not count it against the rate limit) when unchanged. */
  ifNoneMatch?: string;
}

export interface GithubResponse {
  status: number;
  /** Parsed JSON body; undefined when the body was empty (204). */
  json: unknown;
  call: GithubCall;
  /** The answer's ETag, for a later conditional request. */
  etag?: string;
}

export interface GithubHttpOptions {
  /** e.g. `https://api.github.com`, `https://ghe.example.com/api/v3`, the sandbox's `/github/api`. */
  apiUrl: string;
  /** Whole-request deadline per attempt: connect, headers and body. */
  timeoutMs?: number;
  userAgent?: string;
  retry?: Partial<RetryOptions>;
  /** Clock, randomness and waiting, injectable so tests need no real time. */
  now?: () => number;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * The one transport of the GitHub client: a keep-alive undici Agent, GitHub's headers, the retry
 * loop, and the mapping of every failure to GithubError. Answers 2xx as parsed JSON; throws
 * otherwise. It never keeps a credential: each request brings its own.
 */
export class GithubHttp {
  readonly apiUrl: string;
  private readonly timeoutMs: number;
  private readonly userAgent: string;
  private readonly retry: RetryOptions;
  private readonly agent: Agent;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: GithubHttpOptions) {
    const url = new URL(options.apiUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new TypeError(`GitHub API URL must be http(s), not ${url.protocol}`);
    this.apiUrl = options.apiUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.userAgent = options.userAgent || DEFAULT_USER_AGENT;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.agent = new Agent({
      connections: 16,
      keepAliveTimeout: 10_000,
      connect: { timeout: this.timeoutMs },
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
    });
  }

  async send(req: GithubRequest): Promise<GithubResponse> {
    const call: GithubCall = { method: req.method, path: req.path.split('?')[0] };
    const redact = redactor(req.token ? [req.token] : []);
    const idempotent = req.idempotent ?? req.method === 'GET';
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= this.retry.attempts;
      let answer: { status: number; headers: Record<string, string | string[] | undefined>; body: string };
      try {
        answer = await this.once(req);
      } catch (error) {
        // A create that may have reached GitHub is not sent again: it could be applied twice.
        const retry = idempotent ? isRetryableNetworkError(error) : isNotSentNetworkError(error);
        if (last || !retry) throw networkError(call, error, attempt, redact);
        await this.sleep(backoffDelay(attempt, this.retry, this.random));
        continue;
      }
      const etag = typeof answer.headers.etag === 'string' ? answer.headers.etag : undefined;
      if (answer.status === 304 && req.ifNoneMatch) return { status: 304, json: undefined, call, etag };
      if (answer.status >= 200 && answer.status < 300)
        return { status: answer.status, json: parse(answer, call), call, etag };
      if (last || !idempotent || !isRetryableStatus(answer.status))
        throw errorFromResponse(answer, call, attempt, redact, this.now());
      await this.sleep(backoffDelay(attempt, this.retry, this.random));
    }
  }

  /** Closes the pooled sockets; later calls fail. */
  async close(): Promise<void> {
    await this.agent.close();
  }

  private async once(req: GithubRequest) {
    const res = await request(`${this.apiUrl}${req.path}`, {
      method: req.method,
      dispatcher: this.agent,
      signal: AbortSignal.timeout(this.timeoutMs),
      headers: {
        accept: 'application/vnd.github+json',
        'x-github-api-version': GITHUB_API_VERSION,
        'user-agent': this.userAgent,
        ...(req.token ? { authorization: `Bearer ${req.token}` } : {}),
        ...(req.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(req.ifNoneMatch ? { 'if-none-match': req.ifNoneMatch } : {}),
      },
      body: req.body === undefined ? undefined : JSON.stringify(req.body),
    });
    // Always drain the body: an unread body keeps the socket from going back to the pool.
    const body = await res.body.text();
    return { status: res.statusCode, headers: res.headers, body };
  }
}

function parse(answer: { status: number; body: string }, call: GithubCall): unknown {
  if (!answer.body.trim()) return undefined;
  try {
    return JSON.parse(answer.body);
  } catch {
    throw unexpectedBody(call, answer.status, 'the body is not JSON');
  }
}
