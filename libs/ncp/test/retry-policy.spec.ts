import {
  backoffDelay,
  DEFAULT_RETRY_OPTIONS,
  isNotSentNetworkError,
  isRetryableNetworkError,
  isRetryableStatus,
  parseRetryAfter,
  retryDelay,
  type RetryOptions,
} from '@klepaas/ncp';

const options: RetryOptions = { attempts: 6, baseDelayMs: 100, maxDelayMs: 1_000, maxRetryAfterMs: 10_000 };

describe('retry policy', () => {
  it('retries 429 and every 5xx', () => {
    for (const status of [429, 500, 502, 503, 504, 599]) expect(isRetryableStatus(status)).toBe(true);
  });

  it('never retries another 4xx, a success or a redirect', () => {
    for (const status of [200, 204, 301, 400, 401, 403, 404, 409, 413, 422])
      expect(isRetryableStatus(status)).toBe(false);
  });

  it('retries resets, refusals and timeouts but not aborts or bad arguments', () => {
    for (const code of [
      'ECONNRESET',
      'ECONNREFUSED',
      'UND_ERR_CONNECT_TIMEOUT',
      'UND_ERR_HEADERS_TIMEOUT',
      'UND_ERR_SOCKET',
    ]) {
      expect(isRetryableNetworkError(Object.assign(new Error(code), { code }))).toBe(true);
    }
    for (const code of ['UND_ERR_ABORTED', 'UND_ERR_INVALID_ARG', undefined]) {
      expect(isRetryableNetworkError(Object.assign(new Error('x'), { code }))).toBe(false);
    }
  });

  it('counts only failures before the request left as safe to resend for a non-idempotent call', () => {
    expect(isNotSentNetworkError({ code: 'ECONNREFUSED' })).toBe(true);
    expect(isNotSentNetworkError({ code: 'UND_ERR_CONNECT_TIMEOUT' })).toBe(true);
    expect(isNotSentNetworkError({ code: 'ECONNRESET' })).toBe(false);
    expect(isNotSentNetworkError({ code: 'UND_ERR_HEADERS_TIMEOUT' })).toBe(false);
  });

  it('reads Retry-After as delta seconds', () => {
    expect(parseRetryAfter('3', 0)).toBe(3_000);
    expect(parseRetryAfter(' 0 ', 0)).toBe(0);
    expect(parseRetryAfter(['7', '9'], 0)).toBe(7_000);
  });

  it('reads Retry-After as an HTTP date relative to now, and a past date as now', () => {
    const now = Date.parse('Wed, 26 Nov 2025 10:00:00 GMT');
    expect(parseRetryAfter('Wed, 26 Nov 2025 10:00:05 GMT', now)).toBe(5_000);
    expect(parseRetryAfter('Wed, 26 Nov 2025 09:59:00 GMT', now)).toBe(0);
  });

  it('ignores a missing or unreadable Retry-After', () => {
    expect(parseRetryAfter(undefined, 0)).toBeUndefined();
    expect(parseRetryAfter('', 0)).toBeUndefined();
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
    expect(parseRetryAfter('-5', 0)).toBeUndefined();
    expect(parseRetryAfter('1.5', 0)).toBeUndefined();
  });

  it('grows the backoff ceiling by doubling until it is capped', () => {
    const top = (retry: number) => backoffDelay(retry, options, () => 1);
    expect([1, 2, 3, 4, 5, 6, 10].map(top)).toEqual([100, 200, 400, 800, 1_000, 1_000, 1_000]);
  });

  it('keeps the jitter between half the ceiling and the ceiling', () => {
    for (const retry of [1, 2, 3, 4, 8]) {
      const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (retry - 1));
      expect(backoffDelay(retry, options, () => 0)).toBe(ceiling / 2);
      expect(backoffDelay(retry, options, () => 0.999999)).toBeLessThanOrEqual(ceiling);
      for (let i = 0; i < 50; i++) {
        const d = backoffDelay(retry, options);
        expect(d).toBeGreaterThanOrEqual(ceiling / 2);
        expect(d).toBeLessThanOrEqual(ceiling);
      }
    }
  });

  it('spreads retries: random draws give different delays', () => {
    const draws = new Set(Array.from({ length: 20 }, () => backoffDelay(4, options)));
    expect(draws.size).toBeGreaterThan(1);
  });

  it("waits the server's Retry-After instead of the backoff, capped", () => {
    expect(retryDelay(1, '2', options, 0, () => 1)).toBe(2_000);
    expect(retryDelay(1, '3600', options, 0, () => 1)).toBe(10_000);
    expect(retryDelay(3, undefined, options, 0, () => 1)).toBe(400);
  });

  it('defaults to four attempts with a quarter-second first backoff', () => {
    expect(DEFAULT_RETRY_OPTIONS).toEqual({
      attempts: 4,
      baseDelayMs: 250,
      maxDelayMs: 5_000,
      maxRetryAfterMs: 30_000,
    });
  });
});
