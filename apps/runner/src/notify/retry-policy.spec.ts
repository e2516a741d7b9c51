import { GithubError } from '@klepaas/github';
import { backoffMs, NothingToNotify, SlackError, verdictOf } from './retry-policy';

const call = { method: 'POST', path: '/repos/{owner}/{repo}/deployments' };
const github = (status: number, code: GithubError['code'], retryAfterMs?: number) =>
  new GithubError({ status, code, message: 'x', call, retryAfterMs });

describe('what a failed notification does next', () => {
  it('retries GitHub 5xx, rate limits and lost connections', () => {
    expect(verdictOf(github(502, 'unexpected'), 1, () => 0).outcome).toBe('retry');
    expect(verdictOf(github(0, 'network'), 1, () => 0).outcome).toBe('retry');
    expect(verdictOf(github(429, 'rate-limited'), 1, () => 0).outcome).toBe('retry');
  });

  it('waits as long as GitHub or Slack asked', () => {
    expect(verdictOf(github(403, 'rate-limited', 90_000), 1, () => 0)).toMatchObject({ afterMs: 90_000 });
    expect(verdictOf(new SlackError('rate_limited', true, 30_000), 1, () => 0)).toMatchObject({ afterMs: 30_000 });
  });

  it('gives up at once on answers that will not change', () => {
    expect(verdictOf(github(422, 'unexpected'), 1).outcome).toBe('failed');
    expect(verdictOf(github(404, 'not-found'), 1).outcome).toBe('failed');
    expect(verdictOf(new SlackError('no_service', false), 1).outcome).toBe('failed');
  });

  it('skips what has nowhere to go', () => {
    expect(verdictOf(github(0, 'no-credentials'), 1).outcome).toBe('skipped');
    expect(verdictOf(new NothingToNotify('no Slack'), 1).outcome).toBe('skipped');
  });

  it('backs off exponentially up to a minute', () => {
    expect([1, 2, 3, 10].map((a) => backoffMs(a, () => 1))).toEqual([1000, 2000, 4000, 60_000]);
    expect(backoffMs(1, () => 0)).toBe(500);
  });
});
