/**
 * When the transport tries a call again. Only failures that another attempt may cure are
 * retried: 5xx and dropped connections. Rate limits are not: GitHub's reset can be most of an
 * hour away, and a worker sleeping that long holds a message hostage, so the caller decides.
 */
export interface RetryOptions {
  /** Total attempts, the first included. */
  attempts: number;
  /** Ceiling of the first backoff; each further retry doubles it. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: Readonly<RetryOptions> = { attempts: 3, baseDelayMs: 250, maxDelayMs: 2_000 };

export function isRetryableStatus(status: number): boolean {
  return status >= 500 && status <= 599;
}

/** Transport failures worth another try: the server may well answer the next time. */
const RETRYABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

/** Failures before any byte reached the server: even a create may then be sent again. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'UND_ERR_CONNECT_TIMEOUT',
]);

function codeOf(error: unknown): string | undefined {
  const e = error as { code?: unknown; name?: unknown } | null;
  if (typeof e?.code === 'string') return e.code;
  // Our per-request deadline (AbortSignal.timeout) rejects with a DOMException named TimeoutError.
  return e?.name === 'TimeoutError' ? 'ETIMEDOUT' : undefined;
}

export function isRetryableNetworkError(error: unknown): boolean {
  const code = codeOf(error);
  return code !== undefined && RETRYABLE_CODES.has(code);
}

export function isNotSentNetworkError(error: unknown): boolean {
  const code = codeOf(error);
  return code !== undefined && NOT_SENT_CODES.has(code);
}

/**
 * Exponential backoff with "equal jitter": the ceiling doubles per retry up to maxDelayMs and the
 * delay is drawn from [ceiling/2, ceiling], so clients that failed together spread out. `retry`
 * counts from 1.
 */
export function backoffDelay(retry: number, options: RetryOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, retry - 1));
  const r = Math.min(1, Math.max(0, random()));
  return Math.round(ceiling / 2 + (r * ceiling) / 2);
}
