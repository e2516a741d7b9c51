import type { Notification } from './notification';
import type { NotificationStore } from './notification-store';

/** The row's lease was taken over by another runner: this one must send nothing more for it. */
export class LeaseLost extends Error {
  override readonly name = 'LeaseLost';
}

/**
 * Keeps one claimed row's lease while it is being sent. Before every external call the sender
 * calls `beforeCall()`, which renews the lease (fenced by its token) and throws LeaseLost when
 * another runner has the row: so each call starts with a whole lease ahead of it. Meanwhile a
 * heartbeat renews it every third of the lease, so a call slower than the lease (a stalled
 * GitHub) does not let it lapse while this process is alive. It lapses only when the process
 * stops (killed, frozen) or cannot reach PostgreSQL for a whole lease.
 */
export class NotificationLease {
  private lost = false;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly store: NotificationStore,
    private readonly n: Notification,
    private readonly leaseMs: number,
  ) {}

  start(): this {
    this.timer = setInterval(() => void this.renew().catch(() => undefined), Math.max(50, this.leaseMs / 3));
    this.timer.unref();
    return this;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Renews the lease just before an external call; throws LeaseLost when the row is no longer ours. */
  readonly beforeCall = async (): Promise<void> => {
    if (!(await this.renew())) throw new LeaseLost(`notification ${this.n.id}: the lease went to another runner`);
  };

  private async renew(): Promise<boolean> {
    if (this.lost) return false;
    if (!(await this.store.renew(this.n, this.leaseMs))) this.lost = true;
    return !this.lost;
  }
}
