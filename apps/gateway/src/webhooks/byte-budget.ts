/**
 * Bytes of webhook bodies all requests may hold at once (KLEPAAS_WEBHOOK_BYTES_IN_FLIGHT): what
 * keeps many concurrent large bodies, signed or not, from growing the gateway's memory without
 * bound. A request holds its bytes from arrival until its answer is sent.
 */
export class ByteBudget {
  private held = 0;

  constructor(readonly limit: number) {}

  get inFlight(): number {
    return this.held;
  }

  /** Takes `bytes` if they fit; false (and nothing taken) if they do not. */
  take(bytes: number): boolean {
    if (this.held + bytes > this.limit) return false;
    this.held += bytes;
    return true;
  }

  give(bytes: number): void {
    this.held = Math.max(0, this.held - bytes);
  }
}
