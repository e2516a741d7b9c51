/**
 * A worker loop's pause: `sleep(ms)` ends after `ms`, or at once when `wake()` was called since
 * the last pause (work arrived while the loop was busy), or when `wake()` is called during it.
 */
export class WakeableSleep {
  private pending = false;
  private wakeUp?: () => void;

  wake(): void {
    this.pending = true;
    this.wakeUp?.();
  }

  sleep(ms: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        this.pending = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }
}
