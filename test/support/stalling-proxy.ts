import * as net from 'node:net';

interface Pair {
  client: net.Socket;
  upstream: net.Socket;
}

/**
 * A TCP proxy whose outage is silent: stall() keeps every connection open but forwards nothing
 * more (a network partition, or a broker that stopped answering), so the client notices only
 * when its heartbeats go unanswered, and meanwhile believes it is connected. TcpProxy.cut()
 * (libs/testing) is the other kind of outage: connections closed at once.
 */
export class StallingProxy {
  private server?: net.Server;
  private readonly pairs = new Set<Pair>();
  private stalled = false;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async start(): Promise<number> {
    this.server = net.createServer((client) => this.onConnection(client));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(0, '127.0.0.1', () => resolve());
    });
    return (this.server.address() as net.AddressInfo).port;
  }

  /** Stops forwarding on every open connection, and refuses new ones, until restore(). */
  stall(): void {
    this.stalled = true;
    for (const { client, upstream } of this.pairs) {
      client.unpipe(upstream);
      upstream.unpipe(client);
      client.pause();
      upstream.pause();
    }
  }

  /** The partition heals: the stalled connections are dead to both ends by now; new ones work. */
  restore(): void {
    this.stalled = false;
    for (const pair of this.pairs) this.close(pair);
  }

  async stop(): Promise<void> {
    this.restore();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private onConnection(client: net.Socket): void {
    if (this.stalled) {
      client.destroy();
      return;
    }
    const pair = { client, upstream: net.connect(this.targetPort, this.targetHost) };
    this.pairs.add(pair);
    client.on('error', () => this.close(pair)).on('close', () => this.close(pair));
    // While stalled the client is not told that the broker gave up: nothing crosses a partition.
    const upstreamGone = () => !this.stalled && this.close(pair);
    pair.upstream.on('error', upstreamGone).on('close', upstreamGone);
    client.pipe(pair.upstream);
    pair.upstream.pipe(client);
  }

  private close(pair: Pair): void {
    pair.client.destroy();
    pair.upstream.destroy();
    this.pairs.delete(pair);
  }
}
