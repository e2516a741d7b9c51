import type { Channel } from 'amqplib';
import { deadLetterQueueOf, EVENTS_EXCHANGE, retryQueueOf, Subscriptions } from '@klepaas/contracts';

/**
 * Arguments of a service's main queue. Never change them in place: the broker refuses a
 * declaration whose arguments differ from the existing queue's (406 PRECONDITION_FAILED).
 */
export function mainQueueArguments(queue: string): Record<string, unknown> {
  // Messages Nest itself rejects (no handler, malformed) land in the dead-letter queue too.
  return { 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': deadLetterQueueOf(queue) };
}

/** Declares one service's queue, its retry tiers and dead-letter queue, and its bindings. */
export async function assertServiceQueue(channel: Channel, queue: string, retryDelaysMs: number[]): Promise<void> {
  await channel.assertExchange(EVENTS_EXCHANGE, 'topic', { durable: true });
  await channel.assertQueue(deadLetterQueueOf(queue), { durable: true });
  for (const delay of new Set(retryDelaysMs)) {
    await channel.assertQueue(retryQueueOf(queue, delay), {
      durable: true,
      arguments: { 'x-message-ttl': delay, 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': queue },
    });
  }
  await channel.assertQueue(queue, { durable: true, arguments: mainQueueArguments(queue) });
  for (const eventName of Subscriptions[queue as keyof typeof Subscriptions] ?? []) {
    await channel.bindQueue(queue, EVENTS_EXCHANGE, eventName);
  }
}

/** Every subscribed queue, so nothing published before its consumer first starts is dropped. */
export async function assertAllQueues(channel: Channel, retryDelaysMs: number[]): Promise<void> {
  for (const queue of Object.keys(Subscriptions)) await assertServiceQueue(channel, queue, retryDelaysMs);
}
