import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { ClientRMQ, RmqRecord } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import { EVENTS_EXCHANGE, EventEnvelope } from '@klepaas/contracts';
import { withTimeout } from '@klepaas/observability';

export interface EventPublisherOptions {
  url: string;
  /** A publish not confirmed within this time counts as not sent (it will be sent again). */
  confirmTimeoutMs?: number;
}

/**
 * Publishes envelopes to the events exchange through the Nest RMQ client: persistent, routed
 * by event name, resolved only when the broker confirms. Only the outbox relay calls it.
 */
@Injectable()
export class EventPublisher implements OnModuleDestroy {
  private readonly log = new Logger(EventPublisher.name);
  private readonly client: ClientRMQ;
  private readonly timeoutMs: number;

  constructor(options: EventPublisherOptions) {
    this.timeoutMs = options.confirmTimeoutMs ?? 5000;
    this.client = new ClientRMQ({
      urls: [options.url],
      exchange: EVENTS_EXCHANGE,
      exchangeType: 'topic',
      // Without wildcards, emit() ignores the exchange and sends straight to a queue.
      wildcards: true,
      persistent: true,
      socketOptions: { heartbeatIntervalInSeconds: 5, reconnectTimeInSeconds: 1 },
    });
  }

  async publish(envelope: EventEnvelope): Promise<void> {
    const record = new RmqRecord(envelope, {
      messageId: envelope.id,
      persistent: true,
      contentType: 'application/json',
      type: envelope.type,
      timestamp: Date.parse(envelope.occurredAt),
    });
    this.reportChannelErrors();
    try {
      await withTimeout(
        lastValueFrom(this.client.emit(envelope.type, record), { defaultValue: undefined }),
        this.timeoutMs,
        'broker confirm',
      );
    } catch (error) {
      // The client rejects with an Error or a bare string ("Connection lost. Trying to reconnect...").
      throw error instanceof Error ? error : new Error(String(error));
    }
  }

  /** Nest's channel wrapper has no error listener of its own: report instead of crashing. */
  private reportChannelErrors(): void {
    const channel = (
      this.client as unknown as {
        channel?: { listenerCount(e: string): number; on(e: string, f: (error: Error) => void): void };
      }
    ).channel;
    if (channel && channel.listenerCount('error') === 0)
      channel.on('error', (error) => this.log.warn(`publisher channel: ${error.message}`));
  }

  async onModuleDestroy(): Promise<void> {
    await this.client.close().catch(() => undefined);
  }
}
