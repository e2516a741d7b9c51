import amqp from 'amqplib';
import { deadLetterQueueOf, EVENTS_EXCHANGE, retryQueueOf, ServiceQueues, Subscriptions } from '@klepaas/contracts';
import { BrokerConnection, Headers, holdingQueueOf } from '@klepaas/messaging';
import { createIsolatedInfra, IsolatedInfra, pollUntil } from '@klepaas/testing';
import { drainQueue, listQueues, publishRaw } from '../../../test/support/broker';

/** A long last tier, so messages wait in it during the migration. */
const DELAYS = [100, 200, 60_000];
const EVENT = 'PushReceived';
const boundTo = Object.entries(Subscriptions)
  .filter(([, events]) => (events as readonly string[]).includes(EVENT))
  .map(([queue]) => queue);

const event = (n: number) => ({ exchange: EVENTS_EXCHANGE, routingKey: EVENT, body: { pattern: EVENT, data: { n } } });

describe('an installation whose queues are classic (an earlier release)', () => {
  let infra: IsolatedInfra;
  const brokers: BrokerConnection[] = [];
  let oldConsumer: amqp.ChannelModel | undefined;

  beforeAll(async () => {
    infra = await createIsolatedInfra();
  });

  afterAll(async () => {
    await oldConsumer?.close().catch(() => undefined);
    for (const b of brokers) await b.onModuleDestroy();
    await infra?.dispose();
  });

  it('is migrated to quorum queues at start, after the old consumers stop, losing no message', async () => {
    const previous = new BrokerConnection({ url: infra.rabbitmqUrl, retryDelaysMs: DELAYS, queueType: 'classic' });
    await previous.ready();
    await previous.onModuleDestroy();
    expect(boundTo).toEqual(expect.arrayContaining([ServiceQueues.runner, ServiceQueues.history]));

    // Messages in every kind of queue: events in the main queues, retries waiting in a tier,
    // parked messages not yet collected.
    await publishRaw(
      infra.rabbitmqUrl,
      Array.from({ length: 30 }, (_, i) => event(i)),
    );
    const tier = retryQueueOf(ServiceQueues.history, 60_000);
    const dlq = deadLetterQueueOf(ServiceQueues.runner);
    await publishRaw(infra.rabbitmqUrl, [
      { routingKey: tier, body: { retry: 1 }, headers: { [Headers.attempt]: 3 } },
      { routingKey: tier, body: { retry: 2 }, headers: { [Headers.attempt]: 3 } },
      { routingKey: dlq, body: { parked: 1 }, headers: { [Headers.error]: 'boom' } },
    ]);
    // A consumer of the previous release is still at work on the runner queue, holding 5 unacked.
    oldConsumer = await amqp.connect(infra.rabbitmqUrl);
    const oldChannel = await oldConsumer.createChannel();
    await oldChannel.prefetch(5);
    let held = 0;
    await oldChannel.consume(ServiceQueues.runner, () => held++, { noAck: false });
    await pollUntil(
      () => held,
      (n) => n === 5,
    );

    // Two services of the new release start at once.
    brokers.push(new BrokerConnection({ url: infra.rabbitmqUrl, retryDelaysMs: DELAYS }));
    brokers.push(new BrokerConnection({ url: infra.rabbitmqUrl, retryDelaysMs: DELAYS }));
    const why = await pollUntil(
      () =>
        Promise.all(
          brokers.map((b) =>
            b.probe().then(
              () => 'ready',
              (e: Error) => e.message,
            ),
          ),
        ),
      (reasons) => reasons.some((r) => /waiting for 1 consumer\(s\) of the previous release/.test(r)),
      { description: 'a migrator waiting for the old consumer' },
    );
    expect(why).not.toContain('ready');
    // Publishers go on publishing meanwhile.
    await publishRaw(
      infra.rabbitmqUrl,
      Array.from({ length: 10 }, (_, i) => event(30 + i)),
    );
    await oldConsumer.close(); // its 5 unacked messages go back to the classic queue
    oldConsumer = undefined;
    await Promise.all(brokers.map((b) => b.ready()));

    const queues = await listQueues(infra.vhost);
    expect(queues.filter((q) => q.type !== 'quorum').map((q) => q.name)).toEqual([]);
    expect(queues.filter((q) => q.name.endsWith('.migrating') || q.name.includes('lock'))).toEqual([]);
    const all = Array.from({ length: 40 }, (_, n) => n);
    for (const queue of boundTo) {
      const events = await drainQueue(infra.rabbitmqUrl, queue);
      expect(events.map((m) => m.body.data.n).sort((a, b) => a - b)).toEqual(all);
    }
    const retries = await drainQueue(infra.rabbitmqUrl, tier);
    expect(retries.map((m) => [m.body, m.headers[Headers.attempt]])).toEqual([
      [{ retry: 1 }, 3],
      [{ retry: 2 }, 3],
    ]);
    const parked = await drainQueue(infra.rabbitmqUrl, dlq);
    expect(parked.map((m) => [m.body, m.headers[Headers.error]])).toEqual([[{ parked: 1 }, 'boom']]);

    // And the migrated queues route and dead-letter as declared.
    await publishRaw(infra.rabbitmqUrl, [event(40)]);
    expect((await drainQueue(infra.rabbitmqUrl, ServiceQueues.runner)).map((m) => m.body.data.n)).toEqual([40]);
  });
});

describe('a migration interrupted after the classic queue was deleted', () => {
  let infra: IsolatedInfra;
  let broker: BrokerConnection | undefined;

  beforeAll(async () => {
    infra = await createIsolatedInfra();
  });

  afterAll(async () => {
    await broker?.onModuleDestroy();
    await infra?.dispose();
  });

  it('is finished at the next start: the held messages go back to the queue, and the holding queue goes', async () => {
    // What a crash leaves: no main queue, its messages in the holding queue, bound in its place.
    const queue = ServiceQueues.history;
    const holding = holdingQueueOf(queue);
    const connection = await amqp.connect(infra.rabbitmqUrl);
    const channel = await connection.createChannel();
    await channel.assertExchange(EVENTS_EXCHANGE, 'topic', { durable: true });
    await channel.assertQueue(holding, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    await channel.bindQueue(holding, EVENTS_EXCHANGE, EVENT);
    await connection.close();
    await publishRaw(
      infra.rabbitmqUrl,
      Array.from({ length: 5 }, (_, i) => event(i)),
    );

    broker = new BrokerConnection({ url: infra.rabbitmqUrl, retryDelaysMs: DELAYS });
    await broker.ready();
    const queues = await listQueues(infra.vhost);
    expect(queues.map((q) => q.name)).not.toContain(holding);
    expect(queues.find((q) => q.name === queue)?.type).toBe('quorum');
    await publishRaw(infra.rabbitmqUrl, [event(5)]);
    const events = await drainQueue(infra.rabbitmqUrl, queue);
    expect(events.map((m) => m.body.data.n).sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });
});
