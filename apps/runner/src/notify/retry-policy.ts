import { isGithubError } from '@klepaas/github';

/** A Slack answer other than `ok`: `retryable` for 429, 5xx and lost connections. */
export class SlackError extends Error {
  override readonly name = 'SlackError';
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** Nothing to send to (no GitHub credentials, the operator's Slack unset since): not a failure. */
export class NothingToNotify extends Error {
  override readonly name = 'NothingToNotify';
}

export type Verdict =
  | { outcome: 'retry'; afterMs: number; error: string }
  | { outcome: 'failed'; error: string }
  | { outcome: 'skipped'; error: string };

const BASE_MS = 1000;
const MAX_MS = 60_000;

/**
 * What to do after a failed send: GitHub's 5xx, rate limits (403 with the limit spent, 429) and
 * lost connections, Slack's 429 and 5xx, and our own database hiccups are tried again after
 * 1, 2, 4 … 60 s (jittered), or later when the answer said when (Retry-After,
 * x-ratelimit-reset); anything else (a 404, a 422, a revoked Slack hook) will not get better.
 */
export function verdictOf(error: unknown, attempt: number, random: () => number = Math.random): Verdict {
  const message = String((error as Error)?.message ?? error).slice(0, 500);
  if (error instanceof NothingToNotify) return { outcome: 'skipped', error: message };
  let retryable = true;
  let waitMs: number | undefined;
  if (isGithubError(error)) {
    if (error.code === 'no-credentials') return { outcome: 'skipped', error: message };
    retryable = error.code === 'rate-limited' || error.code === 'network' || error.status >= 500 || error.status === 0;
    waitMs = error.retryAfterMs;
  } else if (error instanceof SlackError) {
    retryable = error.retryable;
    waitMs = error.retryAfterMs;
  }
  if (!retryable) return { outcome: 'failed', error: message };
  return { outcome: 'retry', afterMs: Math.max(backoffMs(attempt, random), waitMs ?? 0), error: message };
}

export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_MS, BASE_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
