import type { Channel } from 'amqplib';
import { deadLetterQueueOf, EVENTS_EXCHANGE, retryQueueOf, Subscriptions } from '@klepaas/contracts';

/**
 * quorum: replicated on every node of a cluster (the default). classic: one node's queue, only
 * for a single-node development broker (KLEPAAS_RABBITMQ_QUEUE_TYPE=classic).
 */
export type QueueType = 'quorum' | 'classic';

/**
 * A quorum queue dead-letters a message handed back this many times (its consumer died or the
 * channel closed before the ack) into the dead-letter queue. Our own retry tiers never hand a
 * message back (they republish and ack), so only a message that keeps killing its consumer
 * reaches this; it is parked instead of crashing every replica in turn for ever.
 */
export const DELIVERY_LIMIT = 20;

/** One queue of a service's set, with the arguments and bindings it is declared with. */
export interface QueueSpec {
  name: string;
  role: 'main' | 'retry' | 'dead-letter';
  arguments: Record<string, unknown>;
  /** The arguments the classic-only releases declared it with (what a migration looks for). */
  classicArguments: Record<string, unknown>;
  /** Routing keys bound from the events exchange (main queues only). */
  bindings: readonly string[];
}

/**
 * A service's queue, its retry tiers and its dead-letter queue. Never change the arguments of
 * an existing queue: the broker refuses a declaration whose arguments differ (406
 * PRECONDITION_FAILED). Classic arguments are exactly those of the classic-only releases, so
 * an installation that stays classic redeclares what it has.
 */
export function serviceQueueSet(queue: string, retryDelaysMs: number[], type: QueueType): QueueSpec[] {
  // A retry tier waits out its TTL, then goes back to the main queue by dead-lettering.
  const tierArguments = (t: QueueType, delay: number) => ({
    ...typeArguments(t),
    'x-message-ttl': delay,
    ...deadLetterTo(queue, t),
  });
  const tiers = [...new Set(retryDelaysMs)].map((delay): QueueSpec => ({
    name: retryQueueOf(queue, delay),
    role: 'retry',
    arguments: tierArguments(type, delay),
    classicArguments: tierArguments('classic', delay),
    bindings: [],
  }));
  const deadLetter: QueueSpec = {
    name: deadLetterQueueOf(queue),
    role: 'dead-letter',
    arguments: typeArguments(type),
    classicArguments: {},
    bindings: [],
  };
  const main: QueueSpec = {
    name: queue,
    role: 'main',
    arguments: mainQueueArguments(queue, type),
    classicArguments: mainQueueArguments(queue, 'classic'),
    bindings: Subscriptions[queue as keyof typeof Subscriptions] ?? [],
  };
  // Dead-letter targets first, so nothing is declared to dead-letter into a missing queue.
  return [deadLetter, ...tiers, main];
}

/** Arguments of a service's main queue (the Nest transport declares it too, with these). */
export function mainQueueArguments(queue: string, type: QueueType = 'quorum'): Record<string, unknown> {
  // Messages Nest itself rejects (no handler, malformed) land in the dead-letter queue too.
  const args = { ...typeArguments(type), ...deadLetterTo(deadLetterQueueOf(queue), type) };
  return type === 'quorum' ? { ...args, 'x-delivery-limit': DELIVERY_LIMIT } : args;
}

function typeArguments(type: QueueType): Record<string, unknown> {
  return type === 'quorum' ? { 'x-queue-type': 'quorum' } : {};
}

function deadLetterTo(target: string, type: QueueType): Record<string, unknown> {
  const route = { 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': target };
  // at-least-once: the quorum queue keeps a dead-lettered message until the target queue has
  // confirmed it (the default, at-most-once, loses it if the target's leader is away); it needs
  // reject-publish overflow. A message that finds no target queue is retried every few minutes.
  return type === 'quorum'
    ? { ...route, 'x-dead-letter-strategy': 'at-least-once', 'x-overflow': 'reject-publish' }
    : route;
}

/** Declares one queue set and its bindings. */
export async function assertQueueSet(channel: Channel, queues: QueueSpec[]): Promise<void> {
  await channel.assertExchange(EVENTS_EXCHANGE, 'topic', { durable: true });
  for (const spec of queues) {
    await channel.assertQueue(spec.name, { durable: true, arguments: spec.arguments });
    for (const key of spec.bindings) await channel.bindQueue(spec.name, EVENTS_EXCHANGE, key);
  }
}

/** Declares one service's queue, its retry tiers and dead-letter queue, and its bindings. */
export async function assertServiceQueue(
  channel: Channel,
  queue: string,
  retryDelaysMs: number[],
  type: QueueType = 'quorum',
): Promise<void> {
  await assertQueueSet(channel, serviceQueueSet(queue, retryDelaysMs, type));
}

/** Every subscribed queue, so nothing published before its consumer first starts is dropped. */
export async function assertAllQueues(
  channel: Channel,
  retryDelaysMs: number[],
  type: QueueType = 'quorum',
): Promise<void> {
  for (const queue of allServiceQueues()) await assertServiceQueue(channel, queue, retryDelaysMs, type);
}

/** Every service queue of ours (the keys of Subscriptions). */
export function allServiceQueues(): string[] {
  return Object.keys(Subscriptions);
}

/** Declares a service's dead-letter queue alone (for a consumer of parked messages). */
export async function assertDeadLetterQueue(
  channel: Channel,
  queue: string,
  type: QueueType = 'quorum',
): Promise<void> {
  await channel.assertQueue(deadLetterQueueOf(queue), { durable: true, arguments: typeArguments(type) });
}
