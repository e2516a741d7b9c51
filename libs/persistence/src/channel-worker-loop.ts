import { NotificationListener } from './notification-listener';
import { WakeableSleep } from './wakeable-sleep';

/**
 * The life of a worker loop that PostgreSQL wakes (the outbox relay, the run driver, the trigger
 * and notification workers): `start` runs the loop's body, a NOTIFY on `channel` or `wake()` ends
 * its current pause, and `stop` ends it, waiting for the pass in progress at most `stopWaitMs`
 * so a hung call cannot hold a shutdown.
 */
export class ChannelWorkerLoop {
  private readonly pause = new WakeableSleep();
  private listener?: NotificationListener;
  private body?: Promise<void>;
  private active = false;

  constructor(
    private readonly databaseUrl: string,
    private readonly channel: string,
    private readonly stopWaitMs = 15_000,
  ) {}

  /** False once `stop` was called: the body's loop condition. */
  get running(): boolean {
    return this.active;
  }

  start(body: () => Promise<void>): void {
    this.active = true;
    this.listener = new NotificationListener(this.databaseUrl, this.channel, () => this.pause.wake());
    this.body = body();
  }

  /** Ends the current pause (or the next one): work arrived. */
  wake(): void {
    this.pause.wake();
  }

  /** Pauses `ms`, less if woken; not at all once stopping. */
  sleep(ms: number): Promise<void> {
    return this.active ? this.pause.sleep(ms) : Promise.resolve();
  }

  async stop(): Promise<void> {
    this.active = false;
    this.pause.wake();
    await Promise.race([this.body, new Promise((resolve) => setTimeout(resolve, this.stopWaitMs).unref())]);
    await this.listener?.stop();
  }
}
