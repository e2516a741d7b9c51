/** The runner no longer holds a run (its lease ran out): it must not ask NCP for anything. */
export class RunLeaseLost extends Error {}

/**
 * This runner's claim on one run while it advances it: renewed by a heartbeat, and trusted only
 * while the last renewal is recent. A process paused past its lease (SIGSTOP, a long GC, a
 * frozen VM) finds it stale when it wakes and stops before calling NCP, since another runner may
 * have taken the run over meanwhile.
 */
export class RunLease {
  private renewedAt = Date.now();

  constructor(
    readonly token: string,
    private readonly leaseMs: number,
  ) {}

  renewed(): void {
    this.renewedAt = Date.now();
  }

  /** Held with a margin: a quarter of the lease is left for the call about to be made. */
  get held(): boolean {
    return Date.now() < this.renewedAt + this.leaseMs * 0.75;
  }

  assertHeld(what: string): void {
    if (!this.held) throw new RunLeaseLost(`the lease ran out before ${what}`);
  }
}
