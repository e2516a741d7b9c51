/** What went wrong, in the terms callers branch on (the HTTP status is kept beside it). */
export type GithubErrorCode =
  'not-found' | 'unauthorized' | 'forbidden' | 'rate-limited' | 'network' | 'no-credentials' | 'unexpected';

/** Which call failed: method and API path (no host, no query), never a credential. */
export interface GithubCall {
  method: string;
  path: string;
}

export interface GithubErrorInit {
  code: GithubErrorCode;
  /** The HTTP status, or 0 when no answer came (network) or nothing was sent. */
  status: number;
  /** Already free of secrets: built from GitHub's message after redaction. */
  message: string;
  call: GithubCall;
  attempts?: number;
  /** rate-limited: how long GitHub asked us to wait, when it said. */
  retryAfterMs?: number;
}

/**
 * The one error type of the GitHub client. It holds no header, body, token or key, so
 * `toString`, `inspect` and `JSON.stringify` are safe to log; the message is redacted by whoever
 * builds it (see error-mapping.ts), in case a server ever echoes a credential.
 */
export class GithubError extends Error {
  override readonly name: string = 'GithubError';
  readonly status: number;
  readonly code: GithubErrorCode;
  readonly call: GithubCall;
  readonly attempts: number;
  readonly retryAfterMs?: number;

  constructor(init: GithubErrorInit) {
    super(describe(init));
    this.status = init.status;
    this.code = init.code;
    this.call = { method: init.call.method, path: init.call.path };
    this.attempts = init.attempts ?? 1;
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs;
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      code: this.code,
      status: this.status,
      call: this.call,
      attempts: this.attempts,
      retryAfterMs: this.retryAfterMs,
    };
  }
}

export function isGithubError(error: unknown): error is GithubError {
  return error instanceof GithubError;
}

function describe(init: GithubErrorInit): string {
  const status = init.status === 0 ? 'no HTTP response' : `HTTP ${init.status}`;
  const attempts = init.attempts && init.attempts > 1 ? ` after ${init.attempts} attempts` : '';
  const wait = init.retryAfterMs === undefined ? '' : ` (retry in ${Math.ceil(init.retryAfterMs / 1000)} s)`;
  return `GitHub ${init.call.method} ${init.call.path} failed${attempts}: ${status} ${init.code}: ${init.message}${wait}`;
}

/** For lookups where "GitHub has no such thing" is an answer, not a failure. */
export async function nullIfNotFound<T>(work: Promise<T>): Promise<T | null> {
  try {
    return await work;
  } catch (error) {
    if (isGithubError(error) && error.code === 'not-found') return null;
    throw error;
  }
}
