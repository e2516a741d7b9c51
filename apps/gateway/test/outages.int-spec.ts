import { createIsolatedInfra, IsolatedInfra, pollUntil, TcpProxy } from '@klepaas/testing';
import { historyService } from '../../history/src/history.service';
import { gatewayService } from '../src/gateway.service';
import { count } from '../../../test/support/database';
import { getJson } from '../../../test/support/http';
import { StartedService, startService, viaProxy } from '../../../test/support/services';
import { sendWebhook } from '../../../test/support/webhooks';

const pushExample = require('@octokit/webhooks-examples').find((e: any) => e.name === 'push').examples[1];

describe('when RabbitMQ is unreachable', () => {
  let infra: IsolatedInfra;
  let brokerProxy: TcpProxy;
  let gateway: StartedService;
  let history: StartedService;

  beforeAll(async () => {
    infra = await createIsolatedInfra();
    brokerProxy = new TcpProxy('127.0.0.1', 5672);
    const port = await brokerProxy.start();
    const env = { KLEPAAS_RABBITMQ_URL: viaProxy(infra.rabbitmqUrl, port) };
    gateway = await startService(gatewayService, infra, env);
    history = await startService(historyService, infra, env);
  });

  afterAll(async () => {
    brokerProxy?.restore();
    await gateway?.close();
    await history?.close();
    await brokerProxy?.stop();
    await infra?.dispose();
  });

  it('still accepts webhooks, and once it is back every event is applied exactly once', async () => {
    await pollUntil(
      () => getJson(`${gateway.url}/health/ready`),
      (r) => r.status === 200,
    );
    brokerProxy.cut();
    const ready = await pollUntil(
      () => getJson(`${gateway.url}/health/ready`),
      (r) => r.status === 503,
    );
    expect(ready.body.error.broker).toMatchObject({
      status: 'down',
      message: expect.stringMatching(/not connected|did not answer/),
    });
    expect(ready.body.details.database.status).toBe('up');

    const sent: Array<{ status: number; deliveryId: string }> = [];
    for (let i = 0; i < 40; i++) sent.push(await sendWebhook(gateway.url, 'push', pushExample));
    expect(sent.map((s) => s.status)).toEqual(sent.map(() => 202));
    expect(await count(infra.databaseUrl, 'SELECT count(*) AS n FROM gateway_outbox')).toBe(40);

    brokerProxy.restore();
    await pollUntil(
      () =>
        count(infra.databaseUrl, `SELECT count(*) AS n FROM rm_timeline WHERE correlation_id = ANY($1)`, [
          sent.map((s) => s.deliveryId),
        ]),
      (n) => n >= 40,
      { timeoutMs: 30_000, description: 'history to apply the 40 events' },
    );
    const perDelivery = await count(
      infra.databaseUrl,
      `SELECT count(*) AS n FROM (SELECT correlation_id FROM rm_timeline WHERE correlation_id = ANY($1)
         GROUP BY correlation_id HAVING count(*) = 1) once`,
      [sent.map((s) => s.deliveryId)],
    );
    expect(perDelivery).toBe(40);
    await pollUntil(
      () => getJson(`${gateway.url}/health/ready`),
      (r) => r.status === 200,
      { timeoutMs: 15_000 },
    );
  });
});

describe('when PostgreSQL is unreachable', () => {
  let infra: IsolatedInfra;
  let databaseProxy: TcpProxy;
  let gateway: StartedService;

  beforeAll(async () => {
    infra = await createIsolatedInfra();
    databaseProxy = new TcpProxy('127.0.0.1', 5432);
    const port = await databaseProxy.start();
    gateway = await startService(gatewayService, infra, { KLEPAAS_DATABASE_URL: viaProxy(infra.databaseUrl, port) });
  });

  afterAll(async () => {
    databaseProxy?.restore();
    await gateway?.close();
    await databaseProxy?.stop();
    await infra?.dispose();
  });

  it('reports not ready with the reason, refuses deliveries with 503, and recovers', async () => {
    await pollUntil(
      () => getJson(`${gateway.url}/health/ready`),
      (r) => r.status === 200,
    );
    databaseProxy.cut();
    const ready = await pollUntil(
      () => getJson(`${gateway.url}/health/ready`),
      (r) => r.status === 503,
    );
    expect(ready.body.error.database).toMatchObject({ status: 'down', message: expect.any(String) });
    expect(ready.body.error.database.message.length).toBeGreaterThan(0);

    const refused = await sendWebhook(gateway.url, 'push', pushExample);
    expect(refused.status).toBe(503);
    expect(refused.body.message).toMatch(/could not be stored/);

    databaseProxy.restore();
    await pollUntil(
      () => getJson(`${gateway.url}/health/ready`),
      (r) => r.status === 200,
      { timeoutMs: 15_000 },
    );
    // GitHub redelivers the refused delivery: now it is stored, once.
    const redelivered = await sendWebhook(gateway.url, 'push', pushExample, { deliveryId: refused.deliveryId });
    expect(redelivered.status).toBe(202);
    expect(
      await count(infra.databaseUrl, 'SELECT count(*) AS n FROM webhook_deliveries WHERE delivery_id = $1', [
        refused.deliveryId,
      ]),
    ).toBe(1);
  });
});
