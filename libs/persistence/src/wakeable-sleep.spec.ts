import { WakeableSleep } from './wakeable-sleep';

describe('WakeableSleep', () => {
  it('ends a long pause as soon as it is woken', async () => {
    const pause = new WakeableSleep();
    const slept = pause.sleep(60_000);
    pause.wake();
    await expect(slept).resolves.toBeUndefined();
  });

  it('does not pause at all when woken while the loop was busy, and only once', async () => {
    jest.useFakeTimers();
    try {
      const pause = new WakeableSleep();
      pause.wake();
      await expect(pause.sleep(60_000)).resolves.toBeUndefined();
      let ended = false;
      void pause.sleep(60_000).then(() => (ended = true));
      await Promise.resolve();
      expect(ended).toBe(false);
      jest.advanceTimersByTime(60_000);
      await Promise.resolve();
      expect(ended).toBe(true);
    } finally {
      jest.useRealTimers();
    }
  });
});
