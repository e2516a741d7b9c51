import { expectedDuration, nextPollDelay } from './poll-schedule';

describe('the poll schedule', () => {
  it('waits until shortly before the expected end, then polls about every second', () => {
    expect(nextPollDelay(0, 60_000)).toBe(15_000);
    expect(nextPollDelay(50_000, 60_000)).toBe(9_000);
    expect(nextPollDelay(59_500, 60_000)).toBe(1_000);
  });

  it('polls often around the end, then backs off, never beyond 15 s', () => {
    expect(nextPollDelay(80_000, 60_000)).toBe(1_000);
    expect(nextPollDelay(200_000, 60_000, 3)).toBe(8_000);
    expect(nextPollDelay(900_000, 60_000, 20)).toBe(15_000);
  });

  it('polls quickly for short builds', () => {
    expect(nextPollDelay(0, 0)).toBe(250);
    expect(nextPollDelay(100, 2_000)).toBe(1_650);
  });

  it('makes far fewer calls for a 5-minute build than a poll every 30 s would, noticing the end within a second', () => {
    const expected = 300_000;
    let t = 0;
    let calls = 0;
    while (t < expected) {
      t += nextPollDelay(t, expected);
      calls++;
    }
    // A fixed 30 s poll makes 10 calls and notices the end up to 30 s late.
    expect(calls).toBeLessThanOrEqual(6);
    expect(t - expected).toBeLessThanOrEqual(1_000);
  });

  it('takes one early look first, for builds that fail at once', () => {
    expect(nextPollDelay(0, 60_000, 0, 0)).toBe(1_000);
    expect(nextPollDelay(0, 100, 0, 0)).toBe(250);
  });

  it('expects the median of recent durations, or the default', () => {
    expect(expectedDuration([], 60_000)).toBe(60_000);
    expect(expectedDuration([10, 50, 20], 60_000)).toBe(20);
  });
});
