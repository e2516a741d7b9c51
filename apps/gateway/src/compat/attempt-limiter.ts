/**
 * Counts attempts per key in fixed windows (in this process's memory): `retryAfterMs` says how
 * long a key must wait once it has used up its window. The keys it remembers are bounded, so a
 * flood of new keys (spoofed addresses) cannot grow memory: the oldest are forgotten first.
 */
export class AttemptLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly maxKeys = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** 0 when the key may try now, else the milliseconds until its window ends. */
  retryAfterMs(key: string): number {
    const window = this.current(key);
    return window && window.count >= this.limit ? window.start + this.windowMs - this.now() : 0;
  }

  record(key: string): void {
    const window = this.current(key);
    if (window) {
      window.count++;
      return;
    }
    if (this.windows.size >= this.maxKeys) this.forgetOldest();
    this.windows.set(key, { start: this.now(), count: 1 });
  }

  private current(key: string) {
    const window = this.windows.get(key);
    if (window && this.now() - window.start >= this.windowMs) {
      this.windows.delete(key);
      return undefined;
    }
    return window;
  }

  private forgetOldest(): void {
    // Insertion order is age order: a window is never re-inserted while it lasts.
    const oldest = this.windows.keys().next();
    if (!oldest.done) this.windows.delete(oldest.value);
  }
}
