import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import amqp, { AmqpConnectionManager, ChannelWrapper } from 'amqp-connection-manager';
import type { ConfirmChannel } from 'amqplib';
import { EVENTS_EXCHANGE, EventEnvelope } from '@klepaas/contracts';
import { withTimeout } from '@klepaas/observability';
import { BROKER_SOCKET_OPTIONS, brokerUrls } from './broker-urls';

export interface EventPublisherOptions {
  /** One URL, a comma-separated list, or an array (the nodes of a cluster). */
  url: string | string[];
  /** A publish not confirmed within this time counts as not sent (it will be sent again). */
  confirmTimeoutMs?: number;
}

/**
 * Publishes envelopes to the events exchange in the Nest RMQ wire format ({pattern, data}):
 * persistent, routed by event name, resolved only when the broker confirms. Only the outbox
 * relay (and the mirror's outcomes) call it.
 *
 * Nothing waits in memory for a broker that is away: a publish while disconnected waits for
 * the connection (up to the timeout) before it is handed to the channel, and one not confirmed
 * in time is taken off the channel (publishTimeout) as it fails, so a retried batch never
 * queues behind the copies of the batches before it.
 */
@Injectable()
export class EventPublisher implements OnModuleDestroy {
  private readonly log = new Logger(EventPublisher.name);
  private readonly connection: AmqpConnectionManager;
  private readonly channel: ChannelWrapper;
  private readonly timeoutMs: number;
  private blocked = false;
  private connecting?: Promise<void>;

  constructor(options: EventPublisherOptions) {
    this.timeoutMs = options.confirmTimeoutMs ?? 5000;
    this.connection = amqp.connect(brokerUrls(options.url), BROKER_SOCKET_OPTIONS);
    this.channel = this.connection.createChannel({
      json: false,
      confirm: true,
      publishTimeout: this.timeoutMs,
      setup: (channel: ConfirmChannel) => channel.assertExchange(EVENTS_EXCHANGE, 'topic', { durable: true }),
    });
    // Without a listener the EventEmitter would throw a channel error at the process.
    this.channel.on('error', (error: Error) => this.log.warn(`publisher channel: ${error.message}`));
    // A broker short of memory or disk blocks publishers: connected, but nothing is confirmed.
    this.connection.on('blocked', ({ reason }) => {
      this.blocked = true;
      this.log.warn(`the broker blocks publishing: ${reason}`);
    });
    this.connection.on('unblocked', () => {
      this.blocked = false;
      this.log.log('the broker accepts publishing again');
    });
    this.connection.on('disconnect', () => (this.blocked = false));
  }

  /** Whether a publish can be confirmed now: connected, and not blocked by the broker. */
  get connected(): boolean {
    return this.connection.isConnected() && !this.blocked;
  }

  async publish(envelope: EventEnvelope): Promise<void> {
    // Wait for a connection here, holding nothing on the channel, rather than queue on it.
    if (!this.connection.isConnected() || this.channel.queueLength() > 0) {
      // One listener for every waiter: callers that give up (a timeout) must not leave theirs.
      this.connecting ??= this.channel.waitForConnect().finally(() => (this.connecting = undefined));
      await withTimeout(this.connecting, this.timeoutMs, 'the broker connection');
    }
    const content = Buffer.from(JSON.stringify({ pattern: envelope.type, data: envelope }));
    try {
      await this.channel.publish(EVENTS_EXCHANGE, envelope.type, content, {
        messageId: envelope.id,
        persistent: true,
        contentType: 'application/json',
        type: envelope.type,
        timestamp: Date.parse(envelope.occurredAt),
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const text = message === 'timeout' ? `the broker did not confirm within ${this.timeoutMs} ms` : message;
      throw new Error(text, { cause: error });
    }
  }

  /** Messages the channel still holds: waiting to be sent, or sent and not yet confirmed. */
  pendingCount(): number {
    // The unconfirmed list has no public accessor in amqp-connection-manager 5.
    const unconfirmed = (this.channel as unknown as { _unconfirmedMessages?: unknown[] })._unconfirmedMessages;
    return this.channel.queueLength() + (unconfirmed?.length ?? 0);
  }

  async onModuleDestroy(): Promise<void> {
    await this.channel.close().catch(() => undefined);
    await this.connection.close().catch(() => undefined);
  }
}
