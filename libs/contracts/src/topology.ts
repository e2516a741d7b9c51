/**
 * Broker names. These are a persistent API: renaming the exchange or a queue strands every
 * message still in the old one (and changing a queue's arguments makes the broker refuse the
 * declaration). Add new names; migrate old ones deliberately.
 */
export const EVENTS_EXCHANGE = 'klepaas.events';

/** One durable queue per consuming service. */
export const ServiceQueues = {
  gateway: 'klepaas.gateway',
  provisioner: 'klepaas.provisioner',
  mirror: 'klepaas.mirror',
  runner: 'klepaas.runner',
  history: 'klepaas.history',
} as const;
export type ServiceQueueName = (typeof ServiceQueues)[keyof typeof ServiceQueues];

export const deadLetterQueueOf = (queue: string) => `${queue}.dlq`;
/** Retry tiers are named by their delay, so changing the configured delays adds queues instead of redeclaring one. */
export const retryQueueOf = (queue: string, delayMs: number) => `${queue}.retry.${delayMs}ms`;
