import { ServiceQueues } from '@klepaas/contracts';
import { EventPublisher } from '@klepaas/messaging';
import { createIsolatedInfra, IsolatedInfra, pollUntil } from '@klepaas/testing';
import { gatewayService } from '../../../apps/gateway/src/gateway.service';
import { drainQueue } from '../../../test/support/broker';
import { count } from '../../../test/support/database';
import { getJson } from '../../../test/support/http';
import { request } from 'undici';
import { StartedService, startService, viaProxy } from '../../../test/support/services';
import { StallingProxy } from '../../../test/support/stalling-proxy';
import { sendWebhook } from '../../../test/support/webhooks';

const pushExample = require('@octokit/webhooks-examples').find((e: any) => e.name === 'push').examples[1];

/** What the outbox relay takes per pass: the most one attempt may hand to the channel. */
const RELAY_BATCH = 200;
const getText = (url: string) => request(url).then((r) => r.body.text());

describe('publishing while the broker stops answering', () => {
  let infra: IsolatedInfra;
  let proxy: StallingProxy;
  let gateway: StartedService;

  beforeAll(async () => {
    infra = await createIsolatedInfra();
    proxy = new StallingProxy('127.0.0.1', 5672);
    const port = await proxy.start();
    gateway = await startService(gatewayService, infra, { KLEPAAS_RABBITMQ_URL: viaProxy(infra.rabbitmqUrl, port) });
  });

  afterAll(async () => {
    await gateway?.close();
    await proxy?.stop();
    await infra?.dispose();
  });

  const outbox = () => count(infra.databaseUrl, 'SELECT count(*) AS n FROM gateway_outbox');

  it('holds at most one batch in memory, and afterwards publishes every row, duplicates bounded', async () => {
    await pollUntil(
      () => getJson(`${gateway.url}/health/ready`),
      (r) => r.status === 200,
    );
    const publisher = gateway.app.get(EventPublisher);
    const sent: string[] = [];
    let streaming = true;
    const stream = Promise.all(
      Array.from({ length: 4 }, async () => {
        while (streaming) {
          const res = await sendWebhook(gateway.url, 'push', pushExample);
          if (res.status !== 202) throw new Error(`webhook answered ${res.status}`);
          sent.push(res.deliveryId);
        }
      }),
    );
    let maxPending = 0;
    const sampler = setInterval(() => (maxPending = Math.max(maxPending, publisher.pendingCount())), 20);
    try {
      await pollUntil(
        () => sent.length,
        (n) => n >= 50,
      );
      proxy.stall();
      // Connected as far as the client knows, until its heartbeats go unanswered; then away.
      await pollUntil(
        () => getJson(`${gateway.url}/health/ready`),
        (r) => r.status === 503,
        { timeoutMs: 30_000, description: 'the gateway to notice the broker is gone' },
      );
      const peak = await pollUntil(outbox, (n) => n >= 2 * RELAY_BATCH, {
        timeoutMs: 30_000,
        description: 'the outbox to grow during the outage',
      });
      expect(peak).toBeGreaterThanOrEqual(2 * RELAY_BATCH);
      // Operators see it too.
      await pollUntil(
        () => getText(`${gateway.url}/metrics`),
        (text) => Number(/klepaas_outbox_backlog\{table="gateway_outbox"\} (\d+)/.exec(text)?.[1]) >= 2 * RELAY_BATCH,
        { description: 'the backlog metric to show the outbox growing' },
      );
    } finally {
      streaming = false;
      await stream;
      proxy.restore();
    }
    await pollUntil(outbox, (n) => n === 0, { timeoutMs: 30_000, description: 'the outbox to drain' });
    clearInterval(sampler);

    // The stall caught publishes in flight, and the channel never held more than one batch of them.
    expect(maxPending).toBeGreaterThan(0);
    expect(maxPending).toBeLessThanOrEqual(RELAY_BATCH);
    // Every delivery reached a consumer's queue; copies only of what was in flight at the stall.
    const delivered = (await drainQueue(infra.rabbitmqUrl, ServiceQueues.history)).map(
      (m) => m.body.data.correlationId as string,
    );
    const distinct = new Set(delivered);
    expect(sent.filter((id) => !distinct.has(id))).toEqual([]);
    expect(delivered.length - distinct.size).toBeLessThanOrEqual(RELAY_BATCH);
  });
});
