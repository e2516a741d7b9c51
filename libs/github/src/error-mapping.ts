import { GithubError, type GithubCall, type GithubErrorCode } from './errors';

type Headers = Record<string, string | string[] | undefined>;

const SNIPPET = 200;

/** Replaces every given secret (token, JWT) in text headed for an error, should a server echo one. */
export function redactor(secrets: readonly (string | undefined)[]): (text: string) => string {
  const present = secrets.filter((s): s is string => typeof s === 'string' && s.length > 0);
  return (text) => present.reduce((out, secret) => out.split(secret).join('[redacted]'), text);
}

function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return (Array.isArray(value) ? value[0] : value)?.trim() || undefined;
}

/**
 * How long GitHub asks us to wait: `retry-after` (seconds) for secondary limits, else
 * `x-ratelimit-reset` (epoch seconds) for the primary limit. Undefined when it did not say.
 */
export function rateLimitWaitMs(headers: Headers, nowMs: number): number | undefined {
  const retryAfter = header(headers, 'retry-after');
  if (retryAfter && /^\d+$/.test(retryAfter)) return Number(retryAfter) * 1000;
  const reset = header(headers, 'x-ratelimit-reset');
  if (reset && /^\d+$/.test(reset)) return Math.max(0, Number(reset) * 1000 - nowMs);
  return undefined;
}

/**
 * GitHub answers an exhausted quota with 403 (primary limit: `x-ratelimit-remaining: 0`;
 * secondary limit: `retry-after` and a "secondary rate limit" message) or 429. A 403 without
 * those is a real permission problem.
 */
export function isRateLimited(status: number, headers: Headers, message = ''): boolean {
  if (status === 429) return true;
  if (status !== 403) return false;
  return (
    header(headers, 'x-ratelimit-remaining') === '0' ||
    header(headers, 'retry-after') !== undefined ||
    /rate limit/i.test(message)
  );
}

function codeFor(status: number, rateLimited: boolean): GithubErrorCode {
  if (rateLimited) return 'rate-limited';
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  return 'unexpected';
}

/** GitHub's `{message, errors?}` as one line, or a short snippet of whatever else came back. */
function readMessage(body: string): string {
  try {
    const json = JSON.parse(body) as { message?: unknown; errors?: unknown };
    if (json && typeof json.message === 'string') {
      const details = Array.isArray(json.errors)
        ? json.errors
            .map((e: any) =>
              typeof e === 'string' ? e : (e?.message ?? [e?.field, e?.code].filter(Boolean).join(' ')),
            )
            .filter(Boolean)
        : [];
      return details.length ? `${json.message} (${details.join('; ')})` : json.message;
    }
  } catch {
    // not JSON: a proxy's HTML page, plain text; described below
  }
  const flat = body.replace(/\s+/g, ' ').trim();
  if (!flat) return 'no error body';
  return `unreadable error body: ${flat.length > SNIPPET ? `${flat.slice(0, SNIPPET)}…` : flat}`;
}

/** Maps a non-2xx answer to GithubError; `redact` scrubs the credential the call carried. */
export function errorFromResponse(
  response: { status: number; headers: Headers; body: string },
  call: GithubCall,
  attempts: number,
  redact: (text: string) => string,
  nowMs: number,
): GithubError {
  const message = redact(readMessage(response.body));
  const rateLimited = isRateLimited(response.status, response.headers, message);
  return new GithubError({
    code: codeFor(response.status, rateLimited),
    status: response.status,
    message,
    call,
    attempts,
    retryAfterMs: rateLimited ? rateLimitWaitMs(response.headers, nowMs) : undefined,
  });
}

/**
 * The call got no HTTP answer at all (refused, reset, DNS, timeout). The transport's error is
 * summarised (code and redacted message), not attached as `cause`: its text is not ours to vouch for.
 */
export function networkError(
  call: GithubCall,
  error: unknown,
  attempts: number,
  redact: (text: string) => string,
): GithubError {
  const e = error as { code?: unknown; name?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : e?.name === 'TimeoutError' ? 'timeout' : 'network error';
  const reason = typeof e?.message === 'string' ? e.message : String(error);
  return new GithubError({
    code: 'network',
    status: 0,
    message: redact(`${code}: ${reason}`),
    call,
    attempts,
  });
}

/** A 2xx answer that lacks what GitHub documents (or is not JSON at all). */
export function unexpectedBody(call: GithubCall, status: number, what: string): GithubError {
  return new GithubError({ code: 'unexpected', status, message: `unexpected answer: ${what}`, call });
}
