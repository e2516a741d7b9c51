import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { EventEnvelope } from '@klepaas/contracts';
import { MetricsService, withTimeout } from '@klepaas/observability';
import { ChannelWorkerLoop, OutboxStore, outboxChannelOf } from '@klepaas/persistence';
import { BrokerConnection } from './broker-connection';
import { EventPublisher } from './event-publisher';

const BATCH_SIZE = 200;
const POLL_INTERVAL_MS = 1000;
const MAX_BACKOFF_MS = 10_000;

/**
 * Publishes the service's outbox: takes the oldest rows with SKIP LOCKED (so several
 * replicas share the work), publishes them in order with confirms, and commits their
 * deletion only once the broker has confirmed them all. Woken by NOTIFY when a writing
 * transaction commits, and polls as a safety net.
 * At least once: a crash between confirm and delete publishes a row again; inboxes dedupe.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger(OutboxRelay.name);
  private readonly loop: ChannelWorkerLoop;
  private failures = 0;
  private readonly published: Array<(envelopes: EventEnvelope[]) => void> = [];

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxStore,
    private readonly publisher: EventPublisher,
    private readonly broker: BrokerConnection,
    private readonly metrics: MetricsService,
    private readonly databaseUrl: string,
  ) {
    this.loop = new ChannelWorkerLoop(this.databaseUrl, outboxChannelOf(this.outbox.table), 10_000);
  }

  onApplicationBootstrap(): void {
    this.loop.start(() => this.run());
  }

  async onModuleDestroy(): Promise<void> {
    await this.loop.stop();
  }

  /** Tells `listener` of every batch once it is published and its deletion committed (metrics of committed facts). */
  onPublished(listener: (envelopes: EventEnvelope[]) => void): void {
    this.published.push(listener);
  }

  /** Asks for a pass now (a commit just appended rows). */
  wake(): void {
    this.loop.wake();
  }

  private async run(): Promise<void> {
    const published = this.metrics.counter('klepaas_outbox_published_total', 'Events published from the outbox', [
      'table',
    ]);
    const backlog = this.metrics.gauge('klepaas_outbox_backlog', 'Events in the outbox not yet published', ['table']);
    while (this.loop.running) {
      try {
        // Not until the queues are declared (a message to an unbound exchange is dropped), and
        // never so long that shutdown cannot stop the loop. While the broker is away this backs
        // off rather than handing batch after batch to a channel that cannot send them.
        await withTimeout(this.broker.ready(), 5000, 'the broker');
        if (!this.publisher.connected) throw new Error('the broker is not connected, or blocks publishing');
        let n: number;
        do {
          n = await this.relayBatch();
          published.inc({ table: this.outbox.table }, n);
        } while (n === BATCH_SIZE && this.loop.running);
        this.failures = 0;
      } catch (error) {
        this.failures++;
        if (this.failures === 1 || this.failures % 20 === 0) {
          this.log.warn(
            `outbox relay cannot publish yet (attempt ${this.failures}): ${String((error as Error).message ?? error)}`,
          );
        }
      }
      // What operators watch: a backlog that grows means the broker is away or refusing.
      await this.outbox.backlog(this.dataSource.manager).then(
        (n) => backlog.set({ table: this.outbox.table }, n),
        () => undefined,
      );
      await this.idle(this.failures ? Math.min(MAX_BACKOFF_MS, 200 * 2 ** this.failures) : POLL_INTERVAL_MS);
    }
  }

  private async relayBatch(): Promise<number> {
    const sent = await this.dataSource.transaction(async (manager) => {
      const rows = await this.outbox.take(manager, BATCH_SIZE);
      if (rows.length === 0) return [];
      // Sent in order on one channel; the broker keeps that order. Any failure rolls the
      // whole batch back into the outbox: what was confirmed is sent again (inboxes dedupe).
      // Every publish is settled (confirmed, refused or timed out) before the next attempt, so
      // at most one batch is ever held by the channel.
      const results = await Promise.allSettled(rows.map((row) => this.publisher.publish(row.envelope)));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
      return rows.map((row) => row.envelope);
    });
    for (const listener of this.published) {
      try {
        listener(sent);
      } catch (error) {
        this.log.warn(`outbox listener failed: ${String((error as Error).message ?? error)}`);
      }
    }
    return sent.length;
  }

  private idle(ms: number): Promise<void> {
    return this.loop.sleep(ms);
  }
}
