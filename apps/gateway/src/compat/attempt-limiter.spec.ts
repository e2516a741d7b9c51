import { AttemptLimiter } from './attempt-limiter';

describe('AttemptLimiter', () => {
  let now = 0;
  const clock = () => now;

  beforeEach(() => {
    now = 1_000_000;
  });

  it('lets a key make its attempts, then says how long to wait until its window ends', () => {
    const limiter = new AttemptLimiter(3, 60_000, 100, clock);
    for (let i = 0; i < 3; i++) {
      expect(limiter.retryAfterMs('a')).toBe(0);
      limiter.record('a');
    }
    now += 15_000;
    expect(limiter.retryAfterMs('a')).toBe(45_000);
    expect(limiter.retryAfterMs('b')).toBe(0);
    now += 45_000;
    expect(limiter.retryAfterMs('a')).toBe(0);
  });

  it('forgets the oldest keys rather than grow past its bound, and a forgotten key starts afresh', () => {
    const limiter = new AttemptLimiter(1, 60_000, 2, clock);
    limiter.record('first');
    limiter.record('second');
    limiter.record('third');
    expect(limiter.retryAfterMs('first')).toBe(0);
    expect(limiter.retryAfterMs('second')).toBeGreaterThan(0);
    expect(limiter.retryAfterMs('third')).toBeGreaterThan(0);
  });
});
