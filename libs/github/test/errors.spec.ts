import { inspect } from 'node:util';
import { GithubError, isGithubError } from '@klepaas/github';
import { errorFromResponse, isRateLimited, networkError, redactor } from '../src/error-mapping';

const TOKEN = 'ghs_16C7e42F292c6912E7710c838347Ae178B4a';
const call = { method: 'GET', path: '/repos/octo/hello' };
const redact = redactor([TOKEN]);
const NOW = 1_700_000_000_000;
const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => ({
  status,
  headers,
  body: typeof body === 'string' ? body : JSON.stringify(body),
});
const map = (status: number, body: unknown, headers?: Record<string, string>) =>
  errorFromResponse(answer(status, body, headers), call, 1, redact, NOW);

describe('GitHub error mapping', () => {
  it.each([
    [401, 'unauthorized'],
    [403, 'forbidden'],
    [404, 'not-found'],
    [409, 'unexpected'],
    [422, 'unexpected'],
    [500, 'unexpected'],
    [502, 'unexpected'],
  ])('maps HTTP %i to %s', (status, code) => {
    const error = map(status, { message: 'Something' });
    expect(error).toBeInstanceOf(GithubError);
    expect(isGithubError(error)).toBe(true);
    expect(error).toMatchObject({ status, code, call });
  });

  it("keeps GitHub's message and says which call failed", () => {
    expect(map(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' }).message).toBe(
      'GitHub GET /repos/octo/hello failed: HTTP 404 not-found: Not Found',
    );
  });

  it('lists the validation problems of a 422', () => {
    const error = map(422, {
      message: 'Validation Failed',
      errors: [{ resource: 'Deployment', field: 'ref', code: 'missing_field' }, { message: 'too long' }, 'plain'],
    });
    expect(error.message).toContain('Validation Failed (ref missing_field; too long; plain)');
  });

  it('describes a body that is not JSON by a short snippet', () => {
    const error = map(502, `<html>${'Bad gateway '.repeat(100)}</html>`);
    expect(error.message).toMatch(/unreadable error body: <html>Bad gateway/);
    expect(error.message.length).toBeLessThan(320);
    expect(map(503, '').message).toContain('no error body');
  });

  it('treats a 403 with no requests remaining as rate-limited and says when the quota resets', () => {
    const error = map(
      403,
      { message: 'API rate limit exceeded for installation ID 1.' },
      { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(NOW / 1000 + 1800) },
    );
    expect(error).toMatchObject({ code: 'rate-limited', status: 403, retryAfterMs: 1_800_000 });
    expect(error.message).toContain('(retry in 1800 s)');
  });

  it('treats a 403 with retry-after (the secondary limit) as rate-limited', () => {
    expect(map(403, { message: 'slow down' }, { 'retry-after': '60' })).toMatchObject({
      code: 'rate-limited',
      retryAfterMs: 60_000,
    });
  });

  it('treats a 403 that says "secondary rate limit" as rate-limited even without headers', () => {
    expect(map(403, { message: 'You have exceeded a secondary rate limit.' }).code).toBe('rate-limited');
  });

  it('treats every 429 as rate-limited', () => {
    expect(map(429, { message: 'too many' }).code).toBe('rate-limited');
  });

  it('keeps a 403 with requests remaining a permission problem', () => {
    const headers = { 'x-ratelimit-remaining': '4999', 'x-ratelimit-reset': String(NOW / 1000 + 60) };
    expect(isRateLimited(403, headers, 'Resource not accessible by integration')).toBe(false);
    expect(map(403, { message: 'Resource not accessible by integration' }, headers)).toMatchObject({
      code: 'forbidden',
      retryAfterMs: undefined,
    });
  });

  it('never shows the token, even when a server echoes it back', () => {
    const error = map(401, { message: `Bad credentials: token ${TOKEN} is revoked`, errors: [`seen ${TOKEN}`] });
    for (const text of [error.message, String(error), inspect(error), JSON.stringify(error), error.stack ?? ''])
      expect(text).not.toContain(TOKEN);
    expect(error.message).toContain('token [redacted] is revoked');
  });

  it('never shows the token in a network error', () => {
    const cause = Object.assign(new Error(`socket hang up while sending ${TOKEN}`), { code: 'ECONNRESET' });
    const error = networkError(call, cause, 3, redact);
    expect(error).toMatchObject({ code: 'network', status: 0, attempts: 3 });
    expect(error.message).toBe(
      'GitHub GET /repos/octo/hello failed after 3 attempts: no HTTP response network: ECONNRESET: socket hang up while sending [redacted]',
    );
    for (const text of [String(error), inspect(error), JSON.stringify(error)]) expect(text).not.toContain(TOKEN);
  });

  it('serialises to code, status, call and attempts only', () => {
    expect(Object.keys(map(404, { message: 'Not Found' }).toJSON()).sort()).toEqual(
      ['attempts', 'call', 'code', 'message', 'name', 'retryAfterMs', 'status'].sort(),
    );
  });
});
