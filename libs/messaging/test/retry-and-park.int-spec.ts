import { randomUUID } from 'node:crypto';
import amqp from 'amqplib';
import type { RunningService } from '@klepaas/bootstrap';
import { createEnvelope, EventEnvelope, Events, EVENTS_EXCHANGE, ServiceQueues } from '@klepaas/contracts';
import { EventPublisher } from '@klepaas/messaging';
import { createIsolatedInfra, IsolatedInfra, pollUntil } from '@klepaas/testing';
import { gatewayService } from '../../../apps/gateway/src/gateway.service';
import { getJson, postJson, tokenFor } from '../../../test/support/http';
import { StartedService, startService } from '../../../test/support/services';
import { startTestConsumer } from '../../../test/support/test-consumer';

/** The test consumer fails, on purpose, for the event ids in `poison`. */
const behaviour = { poison: new Set<string>(), attempts: new Map<string, number[]>(), applied: [] as string[] };
const flaky = (envelope: EventEnvelope) => {
  behaviour.attempts.set(envelope.id, [...(behaviour.attempts.get(envelope.id) ?? []), Date.now()]);
  if (behaviour.poison.has(envelope.id)) throw new Error(`refusing ${envelope.id} on purpose`);
  behaviour.applied.push(envelope.id);
};

const RETRY_DELAYS = [150, 300, 600];

describe('a consumer that keeps failing on one message', () => {
  let infra: IsolatedInfra;
  let gateway: StartedService;
  let consumer: RunningService;
  let publisher: EventPublisher;

  beforeAll(async () => {
    infra = await createIsolatedInfra();
    const env = { KLEPAAS_RETRY_DELAYS_MS: RETRY_DELAYS.join(',') };
    gateway = await startService(gatewayService, infra, env);
    consumer = await startTestConsumer(infra, flaky, env);
    publisher = new EventPublisher({ url: infra.rabbitmqUrl });
  });

  afterAll(async () => {
    await publisher?.onModuleDestroy();
    await consumer?.close();
    await gateway?.close();
    await infra?.dispose();
  });

  const pushEvent = () =>
    createEnvelope(
      Events.ScaleRequested,
      { runId: randomUUID(), projectId: randomUUID(), requestedBy: 'u1', replicas: 2 },
      {
        correlationId: randomUUID(),
      },
    );

  it('retries it with growing delays, parks it, and lets the messages behind it flow', async () => {
    const poison = pushEvent();
    behaviour.poison.add(poison.id);
    await publisher.publish(poison);
    const others = Array.from({ length: 20 }, pushEvent);
    for (const e of others) await publisher.publish(e);

    await pollUntil(() => others.every((e) => behaviour.applied.includes(e.id)), Boolean, {
      description: 'the others applied',
    });
    const attemptsWhenOthersDone = behaviour.attempts.get(poison.id)!.length;
    expect(attemptsWhenOthersDone).toBeLessThan(RETRY_DELAYS.length + 1);

    const attempts = await pollUntil(
      () => behaviour.attempts.get(poison.id) ?? [],
      (a) => a.length === RETRY_DELAYS.length + 1,
    );
    const gaps = attempts.slice(1).map((t, i) => t - attempts[i]);
    gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(RETRY_DELAYS[i] * 0.9));
    expect(gaps[2]).toBeGreaterThan(gaps[0]);

    const operator = tokenFor('operator', ['admin']);
    const parked = await pollUntil(
      () => getJson(`${gateway.url}/api/v1/admin/parked`, operator),
      (r) => r.body?.items?.some((m: any) => m.eventId === poison.id),
    );
    const entry = parked.body.items.find((m: any) => m.eventId === poison.id);
    expect(entry).toMatchObject({
      queue: ServiceQueues.history,
      routingKey: 'ScaleRequested',
      eventType: 'ScaleRequested',
      correlationId: poison.correlationId,
      attempts: 4,
      replayedAt: null,
    });
    expect(entry.error).toContain(`refusing ${poison.id} on purpose`);
    // Nothing was applied for it, and it does not come back by itself.
    expect(behaviour.applied).not.toContain(poison.id);
    expect(behaviour.attempts.get(poison.id)).toHaveLength(4);

    // Once the cause is mended, an operator replays it: applied once; a second replay is refused.
    behaviour.poison.delete(poison.id);
    const replay = await postJson(`${gateway.url}/api/v1/admin/parked/${entry.id}/replay`, {}, operator);
    expect(replay.status).toBe(202);
    expect(replay.body).toMatchObject({ id: entry.id, replayedBy: 'operator' });
    await pollUntil(
      () => behaviour.applied.filter((id) => id === poison.id).length,
      (n) => n === 1,
    );
    const again = await postJson(`${gateway.url}/api/v1/admin/parked/${entry.id}/replay`, {}, operator);
    expect(again.status).toBe(409);
  });

  it('parks a message that is not a valid envelope at once, with the reason, and keeps consuming', async () => {
    const connection = await amqp.connect(infra.rabbitmqUrl);
    const channel = await connection.createConfirmChannel();
    const bad = { pattern: 'ScaleRequested', data: { id: 'not-a-uuid', type: 'ScaleRequested', payload: {} } };
    channel.publish(EVENTS_EXCHANGE, 'ScaleRequested', Buffer.from(JSON.stringify(bad)), { persistent: true });
    channel.publish(EVENTS_EXCHANGE, 'ScaleRequested', Buffer.from('{{{ not json'), { persistent: true });
    await channel.waitForConfirms();
    await connection.close();
    const after = pushEvent();
    await publisher.publish(after);
    await pollUntil(() => behaviour.applied.includes(after.id), Boolean);

    const parked = await pollUntil(
      () => getJson(`${gateway.url}/api/v1/admin/parked?limit=100`, tokenFor('operator', ['admin'])),
      (r) => r.body.items.filter((m: any) => /invalid envelope|not JSON/.test(m.error)).length === 2,
    );
    const reasons = parked.body.items.map((m: any) => m.error).join('\n');
    expect(reasons).toMatch(/invalid envelope: id: /);
    expect(reasons).toMatch(/message body is not JSON/);
  });

  it('lets only operators see parked messages', async () => {
    const res = await getJson(`${gateway.url}/api/v1/admin/parked`, tokenFor('just-a-user'));
    expect(res.status).toBe(403);
  });

  it('pages parked messages with a cursor', async () => {
    const operator = tokenFor('operator', ['admin']);
    const first = await getJson(`${gateway.url}/api/v1/admin/parked?limit=1`, operator);
    expect(first.body.items).toHaveLength(1);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await getJson(
      `${gateway.url}/api/v1/admin/parked?limit=1&cursor=${first.body.nextCursor}`,
      operator,
    );
    expect(second.body.items).toHaveLength(1);
    expect(second.body.items[0].id).not.toBe(first.body.items[0].id);
    const bad = await getJson(`${gateway.url}/api/v1/admin/parked?cursor=garbage`, operator);
    expect(bad.status).toBe(400);
  });
});
