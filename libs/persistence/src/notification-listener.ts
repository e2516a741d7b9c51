import { Client } from 'pg';

/**
 * LISTENs on a Postgres channel on a connection of its own, calling `onNotify` for each
 * notification (and once after every (re)connect, for what was missed meanwhile). Reconnects
 * after a database outage until `stop()`; callers keep a slow poll for the gaps.
 */
export class NotificationListener {
  private running = true;
  private client?: Client;
  private readonly done: Promise<void>;

  constructor(
    private readonly databaseUrl: string,
    private readonly channel: string,
    private readonly onNotify: () => void,
  ) {
    if (!/^[a-z_]+$/.test(channel)) throw new Error(`not a channel name: ${channel}`);
    this.done = this.loop();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.client?.end().catch(() => undefined);
    await this.done;
  }

  private async loop(): Promise<void> {
    while (this.running) {
      const client = new Client({ connectionString: this.databaseUrl, connectionTimeoutMillis: 5000 });
      client.on('error', () => undefined); // a lost connection ends the wait below instead of crashing
      this.client = client;
      try {
        await client.connect();
        client.on('notification', () => this.onNotify());
        await client.query(`LISTEN ${this.channel}`);
        this.onNotify();
        await new Promise<void>((resolve) => {
          client.once('error', () => resolve());
          client.once('end', () => resolve());
        });
      } catch {
        // not reachable now: try again shortly
      }
      await client.end().catch(() => undefined);
      if (this.running) await new Promise((r) => setTimeout(r, 1000));
    }
  }
}
