import * as amqp from 'amqplib';
import { EVENTS_EXCHANGE, EventEnvelope } from '@klepaas/contracts';

/**
 * Publishes envelopes as our services do (Nest's `{pattern, data}` wire format, persistent, on
 * the events exchange, confirmed), in the order given: for tests that need an order the system
 * itself would only produce by bad luck (a cancel before the command that makes its run).
 */
export async function publishEvents(rabbitmqUrl: string, envelopes: EventEnvelope[]): Promise<void> {
  const connection = await amqp.connect(rabbitmqUrl);
  try {
    const channel = await connection.createConfirmChannel();
    await channel.assertExchange(EVENTS_EXCHANGE, 'topic', { durable: true });
    for (const envelope of envelopes) {
      const body = Buffer.from(JSON.stringify({ pattern: envelope.type, data: envelope }));
      channel.publish(EVENTS_EXCHANGE, envelope.type, body, { persistent: true, contentType: 'application/json' });
    }
    await channel.waitForConfirms();
  } finally {
    await connection.close();
  }
}
