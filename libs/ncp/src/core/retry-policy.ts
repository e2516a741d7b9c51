/**
 * When and how long to wait before trying an NCP call again. Pure functions, so the rules are
 * testable without a clock: 429 and 5xx and network failures are retried, any other 4xx never
 * (docs/ncp.md, api §0.1: 429 = quota/throttle/rate limits, 503/504 = endpoint error/timeout).
 */
export interface RetryOptions {
  /** Total attempts, the first included. */
  attempts: number;
  /** Ceiling of the first backoff; each further retry doubles it. */
  baseDelayMs: number;
  /** No backoff ceiling grows beyond this. */
  maxDelayMs: number;
  /** A server's Retry-After is honoured up to this long. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_OPTIONS: Readonly<RetryOptions> = {
  attempts: 4,
  baseDelayMs: 250,
  maxDelayMs: 5_000,
  maxRetryAfterMs: 30_000,
};

export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599);
}

/** Transport failures worth another try: the server may well answer the next time. */
const RETRYABLE_NETWORK_CODES = new Set([
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

/** Failures that happen before any byte of the request reached a server. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'UND_ERR_CONNECT_TIMEOUT',
]);

export function networkErrorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function isRetryableNetworkError(error: unknown): boolean {
  const code = networkErrorCode(error);
  return code !== undefined && RETRYABLE_NETWORK_CODES.has(code);
}

/**
 * True when the request surely never reached the server, so even a call that must not run twice
 * (start a build, a deploy, a pipeline) can be sent again.
 */
export function isNotSentNetworkError(error: unknown): boolean {
  const code = networkErrorCode(error);
  return code !== undefined && NOT_SENT_CODES.has(code);
}

/**
 * Retry-After as milliseconds: delta-seconds or an HTTP date (RFC 9110 10.2.3). Undefined when
 * absent or unreadable; a date in the past means "now" (0).
 */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number): number | undefined {
  const raw = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!raw) return undefined;
  if (/^\d+$/.test(raw)) return Number(raw) * 1000;
  // Every HTTP date form starts with a day name; Date.parse alone would read "-5" as a year.
  if (!/^[A-Za-z]{3}/.test(raw)) return undefined;
  const at = Date.parse(raw);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/**
 * Exponential backoff with "equal jitter": the ceiling doubles per retry up to maxDelayMs, and
 * the delay is drawn from [ceiling/2, ceiling], so clients that failed together spread out
 * while each still waits longer than the time before. `retry` counts from 1.
 */
export function backoffDelay(retry: number, options: RetryOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, retry - 1));
  const r = Math.min(1, Math.max(0, random()));
  return Math.round(ceiling / 2 + (r * ceiling) / 2);
}

/** The wait before retry number `retry`: the server's Retry-After (capped) when given, else backoff. */
export function retryDelay(
  retry: number,
  retryAfter: string | string[] | undefined,
  options: RetryOptions,
  nowMs: number,
  random: () => number = Math.random,
): number {
  const fromServer = parseRetryAfter(retryAfter, nowMs);
  if (fromServer !== undefined) return Math.min(fromServer, options.maxRetryAfterMs);
  return backoffDelay(retry, options, random);
}
