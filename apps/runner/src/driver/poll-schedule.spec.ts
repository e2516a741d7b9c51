import { expectedDuration, nextPollDelay } from './poll-schedule';

/** Status calls and the lag for a step that takes `actual`, scheduled for one that takes `expected`. */
function simulate(expected: number, actual: number): { calls: number; lag: number } {
  let t = nextPollDelay(0, expected, 0);
  let calls = 1;
  while (t < actual) {
    t += nextPollDelay(t, expected, calls);
    calls++;
  }
  return { calls, lag: t - actual };
}

describe('the poll schedule', () => {
  it('takes one early look first, for builds that fail at once', () => {
    expect(nextPollDelay(0, 60_000, 0)).toBe(1_000);
    expect(nextPollDelay(0, 100, 0)).toBe(250);
  });

  it('waits until shortly before the expected end, then polls about every second', () => {
    expect(nextPollDelay(1_000, 60_000)).toBe(20_000);
    expect(nextPollDelay(50_000, 60_000)).toBe(9_000);
    expect(nextPollDelay(59_500, 60_000)).toBe(1_000);
  });

  it('spaces looks by half the overrun after the expected end, never beyond 15 s', () => {
    expect(nextPollDelay(61_000, 60_000)).toBe(1_000);
    expect(nextPollDelay(80_000, 60_000)).toBe(10_000);
    expect(nextPollDelay(900_000, 60_000)).toBe(15_000);
  });

  it('makes fewer calls than a fixed 30 s poll for builds of a few minutes, noticing the end within a second', () => {
    for (const minutes of [3, 5, 10, 20]) {
      const duration = minutes * 60_000;
      const { calls, lag } = simulate(duration, duration);
      expect(calls).toBeLessThan(Math.ceil(duration / 30_000));
      expect(lag).toBeLessThanOrEqual(1_000);
    }
  });

  it('keeps a build that overruns by half within a few more calls than a fixed 30 s poll', () => {
    const expected = 300_000;
    const { calls, lag } = simulate(expected, expected * 1.5);
    expect(calls).toBeLessThanOrEqual(Math.ceil((expected * 1.5) / 30_000) + 10);
    expect(lag).toBeLessThanOrEqual(15_000);
  });

  it('expects the median of recent durations, or the default', () => {
    expect(expectedDuration([], 60_000)).toBe(60_000);
    expect(expectedDuration([10, 50, 20], 60_000)).toBe(20);
  });
});
