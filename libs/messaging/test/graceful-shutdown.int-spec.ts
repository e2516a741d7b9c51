import { randomUUID } from 'node:crypto';
import type { RunningService } from '@klepaas/bootstrap';
import { createEnvelope, EventEnvelope, Events } from '@klepaas/contracts';
import { BrokerConnection, EventPublisher } from '@klepaas/messaging';
import { createIsolatedInfra, IsolatedInfra, pollUntil } from '@klepaas/testing';
import { startTestConsumer } from '../../../test/support/test-consumer';

describe('a consumer shutting down', () => {
  let infra: IsolatedInfra;
  let publisher: EventPublisher;

  beforeAll(async () => {
    infra = await createIsolatedInfra();
    const broker = new BrokerConnection({ url: infra.rabbitmqUrl, retryDelaysMs: [100, 200, 400] });
    await broker.ready();
    await broker.onModuleDestroy();
    publisher = new EventPublisher({ url: infra.rabbitmqUrl });
  });

  afterAll(async () => {
    await publisher?.onModuleDestroy();
    await infra?.dispose();
  });

  it('finishes the messages in flight, takes no new ones, and leaves the rest to the next consumer', async () => {
    const started: string[] = [];
    const finished: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = async (e: EventEnvelope) => {
      started.push(e.id);
      await gate;
      finished.push(e.id);
    };
    const first = await startTestConsumer(infra, slow, { KLEPAAS_PREFETCH: '2' });
    const events = Array.from({ length: 10 }, () =>
      createEnvelope(
        Events.RunCancelRequested,
        { runId: randomUUID(), projectId: randomUUID(), requestedBy: 'u' },
        { correlationId: 'c' },
      ),
    );
    for (const e of events) await publisher.publish(e);
    await pollUntil(
      () => started.length,
      (n) => n === 2,
      { description: 'two handlers in flight' },
    );

    const closing: Promise<void> = first.close();
    await new Promise((r) => setImmediate(r));
    release();
    await closing;
    // The two in flight completed before the consumer closed, and nothing else started.
    expect(finished.sort()).toEqual(started.slice(0, 2).sort());
    expect(started).toHaveLength(2);

    const applied: string[] = [];
    const second: RunningService = await startTestConsumer(infra, (e) => void applied.push(e.id));
    try {
      await pollUntil(
        () => applied.length,
        (n) => n >= 8,
        { description: 'the rest applied by the next consumer' },
      );
      // The two finished ones were acked: not delivered again.
      expect(applied.sort()).toEqual(
        events
          .map((e) => e.id)
          .filter((id) => !finished.includes(id))
          .sort(),
      );
    } finally {
      await second.close();
    }
  });
});
