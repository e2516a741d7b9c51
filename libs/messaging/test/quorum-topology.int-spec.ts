import amqp from 'amqplib';
import { deadLetterQueueOf, retryQueueOf, ServiceQueues, Subscriptions } from '@klepaas/contracts';
import { BrokerConnection, DELIVERY_LIMIT } from '@klepaas/messaging';
import { createIsolatedInfra, IsolatedInfra, pollUntil } from '@klepaas/testing';
import { drainQueue, listQueues, publishRaw } from '../../../test/support/broker';

const DELAYS = [100, 200, 400];

describe('the queues a service declares', () => {
  let infra: IsolatedInfra;
  let broker: BrokerConnection;

  beforeAll(async () => {
    infra = await createIsolatedInfra();
    broker = new BrokerConnection({ url: infra.rabbitmqUrl, retryDelaysMs: DELAYS });
    await broker.ready();
  });

  afterAll(async () => {
    await broker?.onModuleDestroy();
    await infra?.dispose();
  });

  it('are quorum queues: every service queue, its retry tiers and its dead-letter queue', async () => {
    const queues = await listQueues(infra.vhost);
    const expected = Object.keys(Subscriptions).flatMap((q) => [
      q,
      deadLetterQueueOf(q),
      ...DELAYS.map((d) => retryQueueOf(q, d)),
    ]);
    expect(queues.map((q) => q.name)).toEqual([...expected].sort());
    expect(queues.filter((q) => q.type !== 'quorum')).toEqual([]);

    const byName = new Map(queues.map((q) => [q.name, q]));
    const runner = ServiceQueues.runner;
    expect(byName.get(runner)!.arguments).toEqual({
      'x-queue-type': 'quorum',
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': deadLetterQueueOf(runner),
      'x-dead-letter-strategy': 'at-least-once',
      'x-overflow': 'reject-publish',
      'x-delivery-limit': DELIVERY_LIMIT,
    });
    expect(byName.get(retryQueueOf(runner, 200))!.arguments).toEqual({
      'x-queue-type': 'quorum',
      'x-message-ttl': 200,
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': runner,
      'x-dead-letter-strategy': 'at-least-once',
      'x-overflow': 'reject-publish',
    });
    expect(byName.get(deadLetterQueueOf(runner))!.arguments).toEqual({ 'x-queue-type': 'quorum' });
  });

  it('send a message back to its queue after the retry tier TTL', async () => {
    const queue = ServiceQueues.mirror;
    const sentAt = Date.now();
    await publishRaw(infra.rabbitmqUrl, [{ routingKey: retryQueueOf(queue, 400), body: { tier: 400 } }]);
    const back = await pollUntil(
      () => drainQueue(infra.rabbitmqUrl, queue),
      (m) => m.length > 0,
    );
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(400);
    expect(back.map((m) => m.body)).toEqual([{ tier: 400 }]);
    expect(back[0].headers['x-first-death-reason']).toBe('expired');
  });

  it('park a message that was handed back more than the delivery limit (a consumer that dies on it)', async () => {
    const queue = ServiceQueues.provisioner;
    await publishRaw(infra.rabbitmqUrl, [{ routingKey: queue, body: { kills: 'its consumer' } }]);
    const connection = await amqp.connect(infra.rabbitmqUrl);
    const channel = await connection.createChannel();
    let deliveries = 0;
    // Each requeue stands for a consumer that took the message and died before acking it.
    for (let m = await channel.get(queue); m; m = await channel.get(queue)) {
      deliveries++;
      channel.nack(m, false, true);
    }
    await connection.close();
    expect(deliveries).toBe(DELIVERY_LIMIT + 1);
    const parked = await pollUntil(
      () => drainQueue(infra.rabbitmqUrl, deadLetterQueueOf(queue)),
      (m) => m.length > 0,
    );
    expect(parked.map((m) => m.body)).toEqual([{ kills: 'its consumer' }]);
    expect(parked[0].headers['x-death'][0]).toMatchObject({ queue, reason: 'delivery_limit' });
  });
});

describe('with KLEPAAS_RABBITMQ_QUEUE_TYPE=classic (a single-node development broker)', () => {
  let infra: IsolatedInfra;
  let broker: BrokerConnection;

  beforeAll(async () => {
    infra = await createIsolatedInfra();
    broker = new BrokerConnection({ url: infra.rabbitmqUrl, retryDelaysMs: DELAYS, queueType: 'classic' });
    await broker.ready();
  });

  afterAll(async () => {
    await broker?.onModuleDestroy();
    await infra?.dispose();
  });

  it('declares classic queues with exactly the arguments of the classic-only releases', async () => {
    const queues = await listQueues(infra.vhost);
    expect(queues.filter((q) => q.type !== 'classic')).toEqual([]);
    const byName = new Map(queues.map((q) => [q.name, q]));
    const history = ServiceQueues.history;
    expect(byName.get(history)!.arguments).toEqual({
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': deadLetterQueueOf(history),
    });
    expect(byName.get(retryQueueOf(history, 100))!.arguments).toEqual({
      'x-message-ttl': 100,
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': history,
    });
    expect(byName.get(deadLetterQueueOf(history))!.arguments).toEqual({});
  });
});
