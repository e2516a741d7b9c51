import type { EventEnvelope } from '@klepaas/contracts';
import { BrokerConnection, EventPublisher } from '@klepaas/messaging';
import { withTimeout } from '@klepaas/observability';

/**
 * Publishes the mirror's answer straight to the broker (the mirror has no outbox: no tables),
 * awaiting the confirm before the request is acked. Topology first: the runner's and history's
 * queues must exist, or the broker would confirm and drop the event.
 */
export class OutcomePublisher {
  constructor(
    private readonly broker: BrokerConnection,
    private readonly publisher: EventPublisher,
  ) {}

  async publish(envelope: EventEnvelope): Promise<void> {
    await withTimeout(this.broker.ready(), 10_000, 'the broker');
    await this.publisher.publish(envelope);
  }
}
