import { hostname } from 'node:os';
import { Logger } from '@nestjs/common';
import { RmqContext, ServerRMQ } from '@nestjs/microservices';
import type { Channel, ConsumeMessage } from 'amqplib';
import { isObservable, lastValueFrom } from 'rxjs';
import {
  deadLetterQueueOf,
  EVENTS_EXCHANGE,
  EventEnvelope,
  retryQueueOf,
  Subscriptions,
  validateEnvelope,
} from '@klepaas/contracts';
import { withCorrelation } from '@klepaas/observability';
import { publishConfirmed } from './confirm-publish';
import { headerText, Headers } from './message-headers';
import { BROKER_SOCKET_OPTIONS, brokerUrls } from './broker-urls';
import { assertServiceQueue, mainQueueArguments, QueueType } from './topology';

export interface EventConsumerOptions {
  /** One URL, a comma-separated list, or an array (the nodes of a cluster). */
  url: string | string[];
  /** The type the service's queues are declared as (quorum unless configured otherwise). */
  queueType?: QueueType;
  /** The service's durable queue, from ServiceQueues. */
  queue: string;
  /** Delays before each retry; after the last, the message is parked. */
  retryDelaysMs: number[];
  prefetch: number;
  /** How long shutdown waits for handlers in flight. */
  drainTimeoutMs?: number;
  /** Told of every outcome (metrics). */
  onOutcome?: (outcome: MessageOutcome, type: string, durationMs: number) => void;
}

export type MessageOutcome = 'acked' | 'retried' | 'parked';

/**
 * The Nest RMQ transport with our delivery rules, in one place: every message is validated,
 * handled, and then acked, sent to a retry tier, or parked in the queue's dead-letter queue.
 * No handler can leave a message unacked, and a poison message never blocks the ones behind it.
 */
export class EventConsumerServer extends ServerRMQ {
  private readonly log: Logger;
  private readonly inFlight = new Set<Promise<void>>();
  private currentChannel?: Channel;
  private draining = false;

  constructor(private readonly consumer: EventConsumerOptions) {
    super({
      urls: brokerUrls(consumer.url),
      queue: consumer.queue,
      queueOptions: { durable: true, arguments: mainQueueArguments(consumer.queue, consumer.queueType) },
      noAck: false,
      prefetchCount: consumer.prefetch,
      exchange: EVENTS_EXCHANGE,
      exchangeType: 'topic',
      consumerTag: consumerTagOf(consumer.queue),
      socketOptions: BROKER_SOCKET_OPTIONS,
    });
    this.log = new Logger(`Consumer ${consumer.queue}`);
  }

  override async listen(callback: (err?: unknown, ...optionalParams: unknown[]) => void): Promise<void> {
    this.checkHandlersMatchSubscriptions();
    return super.listen(callback);
  }

  /** Runs on every (re)connect: our queues first, then Nest's own setup and consume. */
  override async setupChannel(channel: Channel, callback: Function): Promise<void> {
    // Nest's channel wrapper has no error listener of its own: report instead of crashing.
    if (this.channel && this.channel.listenerCount('error') === 0) {
      this.channel.on('error', (error: Error) => this.log.warn(`consumer channel: ${error.message}`));
    }
    await assertServiceQueue(channel, this.consumer.queue, this.consumer.retryDelaysMs, this.consumer.queueType);
    this.currentChannel = channel;
    if (this.draining) return;
    return super.setupChannel(channel, callback);
  }

  override async handleMessage(message: Record<string, any>, channel: Channel): Promise<void> {
    if (!message) return; // the broker cancelled this consumer; amqp-connection-manager re-subscribes
    if (this.draining) {
      // Delivered before our cancel took effect: hand it straight back for another consumer.
      channel.nack(message as ConsumeMessage, false, true);
      return;
    }
    const work = this.process(message as ConsumeMessage, channel);
    this.inFlight.add(work);
    try {
      await work;
    } finally {
      this.inFlight.delete(work);
    }
  }

  /**
   * The first step of a graceful shutdown: stop taking messages and let the ones in flight
   * finish (up to the drain timeout), while the rest of the app is still up to serve them.
   */
  async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    await this.currentChannel?.cancel(consumerTagOf(this.consumer.queue)).catch(() => undefined);
    const deadline = new Promise((resolve) => setTimeout(resolve, this.consumer.drainTimeoutMs ?? 15_000).unref());
    if (this.inFlight.size) {
      this.log.log(`waiting for ${this.inFlight.size} message(s) in flight`);
      await Promise.race([Promise.allSettled([...this.inFlight]), deadline]);
    }
  }

  override async close(): Promise<void> {
    await this.drain();
    await super.close();
  }

  private async process(message: ConsumeMessage, channel: Channel): Promise<void> {
    const started = Date.now();
    let type = 'unknown';
    const report = (outcome: MessageOutcome) => this.consumer.onOutcome?.(outcome, type, Date.now() - started);
    let packet: { pattern?: unknown; data?: unknown };
    try {
      packet = JSON.parse(message.content.toString('utf8'));
    } catch {
      return this.park(message, channel, 'message body is not JSON').then(() => report('parked'));
    }
    if (typeof packet?.pattern !== 'string') {
      return this.park(message, channel, 'message has no event pattern').then(() => report('parked'));
    }
    const pattern: string = packet.pattern;
    type = pattern;
    const checked = validateEnvelope(packet.data, packet.pattern);
    if (!checked.ok) return this.park(message, channel, checked.reason).then(() => report('parked'));
    const handler = this.getHandlerByPattern(packet.pattern);
    if (!handler) {
      return this.park(message, channel, `no handler for ${packet.pattern} in ${this.consumer.queue}`).then(() =>
        report('parked'),
      );
    }
    const envelope: EventEnvelope = checked.envelope;
    try {
      await withCorrelation(envelope.correlationId, async () => {
        const result = await handler(envelope, new RmqContext([message, channel, pattern]));
        if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
      });
      channel.ack(message);
      report('acked');
    } catch (error) {
      const outcome = await this.retryOrPark(message, channel, envelope, error);
      report(outcome);
    }
  }

  private async retryOrPark(
    message: ConsumeMessage,
    channel: Channel,
    envelope: EventEnvelope,
    error: unknown,
  ): Promise<MessageOutcome> {
    const reason = describe(error);
    const attempt = Number(message.properties.headers?.[Headers.attempt] ?? 0);
    const delays = this.consumer.retryDelaysMs;
    return withCorrelation(envelope.correlationId, async () => {
      if (attempt < delays.length) {
        const delay = delays[attempt];
        this.log.warn(
          `${envelope.type} ${envelope.id} failed (attempt ${attempt + 1}), retrying in ${delay} ms: ${reason}`,
        );
        await publishConfirmed(channel, '', retryQueueOf(this.consumer.queue, delay), message.content, {
          ...republishProperties(message),
          headers: {
            ...message.properties.headers,
            [Headers.attempt]: attempt + 1,
            [Headers.lastError]: headerText(reason),
            [Headers.routingKey]: originalRoutingKey(message),
          },
        });
        channel.ack(message);
        return 'retried';
      }
      await this.park(message, channel, `failed ${attempt + 1} times; last error: ${reason}`);
      return 'parked';
    });
  }

  private async park(message: ConsumeMessage, channel: Channel, reason: string): Promise<void> {
    this.log.error(`parking a message from ${this.consumer.queue}: ${reason}`);
    await publishConfirmed(channel, '', deadLetterQueueOf(this.consumer.queue), message.content, {
      ...republishProperties(message),
      headers: {
        ...message.properties.headers,
        [Headers.error]: headerText(reason),
        [Headers.queue]: this.consumer.queue,
        [Headers.routingKey]: originalRoutingKey(message),
        [Headers.parkedAt]: new Date().toISOString(),
      },
    });
    channel.ack(message);
  }

  /** A handler for an event the queue is not bound to would never run: refuse to start. */
  private checkHandlersMatchSubscriptions(): void {
    const subscribed = new Set<string>(Subscriptions[this.consumer.queue as keyof typeof Subscriptions] ?? []);
    const handled = [...this.getHandlers().keys()];
    const unbound = handled.filter((p) => !subscribed.has(p));
    const unhandled = [...subscribed].filter((p) => !handled.includes(p));
    if (unbound.length) {
      throw new Error(`${this.consumer.queue} handles ${unbound.join(', ')} but Subscriptions does not bind them`);
    }
    if (unhandled.length) {
      throw new Error(`${this.consumer.queue} is bound to ${unhandled.join(', ')} but has no handler for them`);
    }
  }
}

/** Stable per process, so shutdown can cancel exactly this consumer. */
function consumerTagOf(queue: string): string {
  return `${queue}.${hostname()}.${process.pid}`;
}

function originalRoutingKey(message: ConsumeMessage): string {
  return String(message.properties.headers?.[Headers.routingKey] ?? message.fields.routingKey);
}

function republishProperties(message: ConsumeMessage) {
  const p = message.properties;
  return {
    persistent: true,
    contentType: p.contentType,
    messageId: p.messageId,
    correlationId: p.correlationId,
    timestamp: p.timestamp,
  };
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === 'object' && error && 'message' in error) return String((error as { message: unknown }).message);
  return String(error);
}
