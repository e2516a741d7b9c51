import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { ChannelWrapper } from 'amqp-connection-manager';
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import { DataSource } from 'typeorm';
import { deadLetterQueueOf, Subscriptions } from '@klepaas/contracts';
import { assertDeadLetterQueue, BrokerConnection, Headers } from '@klepaas/messaging';
import { parkedMessageId } from './parked-id';

/**
 * Drains every service's dead-letter queue into `parked_messages`, so operators can list the
 * parked messages with their errors and replay one. The gateway is the table's only writer.
 */
@Injectable()
export class ParkedCollector implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger(ParkedCollector.name);
  private channel?: ChannelWrapper;
  private stopping = false;

  constructor(
    private readonly broker: BrokerConnection,
    private readonly dataSource: DataSource,
  ) {}

  onApplicationBootstrap(): void {
    const queues = Object.keys(Subscriptions);
    this.channel = this.broker.connection.createChannel({
      json: false,
      confirm: true,
      setup: async (channel: ConfirmChannel) => {
        // After the broker connection has declared (or migrated) every queue, with its type.
        await this.broker.ready();
        await channel.prefetch(20);
        for (const queue of queues) {
          const dlq = deadLetterQueueOf(queue);
          await assertDeadLetterQueue(channel, queue, this.broker.queueType);
          await channel.consume(dlq, (message) => message && void this.collect(channel, queue, message));
        }
      },
    });
    this.channel.on('error', (error: Error) => this.log.warn(`parked-message collector channel: ${error.message}`));
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    await this.channel?.close().catch(() => undefined);
  }

  private async collect(channel: ConfirmChannel, queue: string, message: ConsumeMessage): Promise<void> {
    const headers = message.properties.headers ?? {};
    const envelope = readEnvelope(message.content);
    const death = Array.isArray(headers['x-death']) ? headers['x-death'][0] : undefined;
    const error = String(
      headers[Headers.error] ?? `rejected by ${death?.queue ?? queue} (${death?.reason ?? 'unknown reason'})`,
    );
    for (let attempt = 0; !this.stopping; attempt++) {
      try {
        await this.dataSource.query(
          `INSERT INTO parked_messages (id, queue, routing_key, event_id, event_type, correlation_id, error, attempts, body, headers)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb) ON CONFLICT (id) DO NOTHING`,
          [
            parkedMessageId(queue, message),
            queue,
            String(headers[Headers.routingKey] ?? death?.['routing-keys']?.[0] ?? message.fields.routingKey),
            envelope?.id ?? null,
            envelope?.type ?? null,
            envelope?.correlationId ?? null,
            error,
            Number(headers[Headers.attempt] ?? 0) + 1,
            message.content,
            JSON.stringify(plainHeaders(headers)),
          ],
        );
        channel.ack(message);
        return;
      } catch (e) {
        if (attempt === 0) this.log.warn(`cannot record a parked message from ${queue} yet: ${String(e)}`);
        await new Promise((r) => setTimeout(r, Math.min(10_000, 500 * 2 ** attempt)));
      }
    }
  }
}

function readEnvelope(content: Buffer): { id?: string; type?: string; correlationId?: string } | null {
  try {
    const data = JSON.parse(content.toString('utf8'))?.data;
    return data && typeof data === 'object' ? data : null;
  } catch {
    return null;
  }
}

/** AMQP headers may hold buffers and nested tables; keep what JSON can say plainly. */
function plainHeaders(headers: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(headers, (_k, v) => (typeof v === 'bigint' ? String(v) : v)));
}
