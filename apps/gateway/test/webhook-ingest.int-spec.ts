import { randomUUID } from 'node:crypto';
import { createIsolatedInfra, IsolatedInfra, pollUntil } from '@klepaas/testing';
import { historyService } from '../../history/src/history.service';
import { gatewayService } from '../src/gateway.service';
import { count, query } from '../../../test/support/database';
import { getJson, tokenFor } from '../../../test/support/http';
import { StartedService, startService, TEST_SECRETS } from '../../../test/support/services';
import { sendWebhook } from '../../../test/support/webhooks';

// GitHub's own example payloads, as shipped by @octokit/webhooks-examples.
const examples: Array<{ name: string; examples: any[] }> = require('@octokit/webhooks-examples');
const examplesOf = (name: string) => examples.find((e) => e.name === name)!.examples;

/** Which GitHub deliveries become events; the rest are stored as ignored. */
const becomesEvent = (event: string, payload: any) =>
  event === 'push' ||
  event === 'installation' ||
  event === 'installation_repositories' ||
  (event === 'release' && payload.action === 'published') ||
  (event === 'pull_request' && payload.action === 'closed' && payload.pull_request?.merged === true);

const LEGACY_SHARED_SECRET = 'the-old-shared-legacy-secret';

describe('GitHub webhook ingestion', () => {
  let infra: IsolatedInfra;
  let gateway: StartedService;
  let history: StartedService;

  beforeAll(async () => {
    infra = await createIsolatedInfra();
    gateway = await startService(gatewayService, infra, {
      KLEPAAS_WEBHOOK_MAX_BYTES: String(256 * 1024),
      // Still set, as an old deployment would have it: it must no longer let anyone in.
      KLEPAAS_GITHUB_WEBHOOK_SECRET: LEGACY_SHARED_SECRET,
    });
    history = await startService(historyService, infra);
  });

  afterAll(async () => {
    await gateway?.close();
    await history?.close();
    await infra?.dispose();
  });

  const deliveries = (id: string) =>
    count(infra.databaseUrl, 'SELECT count(*) AS n FROM webhook_deliveries WHERE delivery_id = $1', [id]);
  const row = async (id: string) =>
    (
      await query(infra.databaseUrl, 'SELECT status, reason, event_id FROM webhook_deliveries WHERE delivery_id = $1', [
        id,
      ])
    )[0];
  const projected = (id: string) =>
    count(infra.databaseUrl, 'SELECT count(*) AS n FROM rm_timeline WHERE correlation_id = $1', [id]);

  it.each(['push', 'release', 'installation', 'installation_repositories', 'pull_request'])(
    'accepts every GitHub example of %s when signed, and turns the handled ones into events',
    async (event) => {
      const sent = [];
      for (const payload of examplesOf(event)) {
        const res = await sendWebhook(gateway.url, event, payload);
        expect({ status: res.status, body: res.body }).toEqual({
          status: 202,
          body: { status: 'accepted', deliveryId: res.deliveryId },
        });
        sent.push({ id: res.deliveryId, event: becomesEvent(event, payload) });
      }
      for (const s of sent) {
        expect(await deliveries(s.id)).toBe(1);
        await pollUntil(
          () => projected(s.id),
          (n) => n === (s.event ? 1 : 0),
          { description: `projection of ${s.id}` },
        );
      }
    },
  );

  it('refuses a delivery signed with the old shared legacy secret, though it is still configured', async () => {
    const res = await sendWebhook(gateway.url, 'push', examplesOf('push')[0], { secret: LEGACY_SHARED_SECRET });
    expect(res.status).toBe(401);
    expect(await deliveries(res.deliveryId)).toBe(0);
    expect(gateway.config.warnings.join()).toMatch(/KLEPAAS_GITHUB_WEBHOOK_SECRET is ignored/);
  });

  it('serves the seed path /api/v1/cicd/webhook with the same handler', async () => {
    const res = await sendWebhook(gateway.url, 'push', examplesOf('push')[0], { path: '/api/v1/cicd/webhook' });
    expect(res.status).toBe(202);
    expect(await deliveries(res.deliveryId)).toBe(1);
  });

  it('answers ping with pong', async () => {
    const res = await sendWebhook(gateway.url, 'ping', examplesOf('ping')[0]);
    expect(res).toMatchObject({ status: 200, body: { status: 'pong' } });
  });

  it('refuses a wrong signature with 401 and stores nothing', async () => {
    const res = await sendWebhook(gateway.url, 'push', examplesOf('push')[0], { secret: 'not-the-secret' });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    expect(await deliveries(res.deliveryId)).toBe(0);
  });

  it('refuses a missing signature with 401 and stores nothing', async () => {
    const res = await sendWebhook(gateway.url, 'push', examplesOf('push')[0], { secret: null });
    expect(res.status).toBe(401);
    expect(await deliveries(res.deliveryId)).toBe(0);
  });

  it('refuses a signature over different bytes (the body re-serialised) with 401', async () => {
    const payload = examplesOf('push')[0];
    const signedOver = await sendWebhook(gateway.url, 'push', JSON.stringify(payload, null, 2), {
      signature: `sha256=${require('node:crypto').createHmac('sha256', TEST_SECRETS.appWebhook).update(JSON.stringify(payload)).digest('hex')}`,
    });
    expect(signedOver.status).toBe(401);
  });

  it('stores and publishes the same delivery once, answering the redelivery as a duplicate', async () => {
    const deliveryId = randomUUID();
    const payload = examplesOf('push')[1];
    const first = await sendWebhook(gateway.url, 'push', payload, { deliveryId });
    const again = await Promise.all([1, 2, 3].map(() => sendWebhook(gateway.url, 'push', payload, { deliveryId })));
    expect(first.status).toBe(202);
    expect(again.map((r) => r.body)).toEqual(again.map(() => ({ status: 'duplicate', deliveryId })));
    await pollUntil(
      () => projected(deliveryId),
      (n) => n === 1,
    );
    expect(await deliveries(deliveryId)).toBe(1);
    // Published once: nothing more is waiting in the outbox, and history saw exactly one event.
    await pollUntil(
      () => count(infra.databaseUrl, 'SELECT count(*) AS n FROM gateway_outbox'),
      (n) => n === 0,
    );
    expect(await projected(deliveryId)).toBe(1);
  });

  it('answers two copies of one delivery arriving together as one accepted and one duplicate', async () => {
    const deliveryId = randomUUID();
    const results = await Promise.all(
      [1, 2].map(() => sendWebhook(gateway.url, 'push', examplesOf('push')[2], { deliveryId })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 202]);
    expect(await deliveries(deliveryId)).toBe(1);
  });

  it('reads a form-encoded delivery (payload=...) as GitHub sends it when so configured', async () => {
    const form = `payload=${encodeURIComponent(JSON.stringify(examplesOf('push')[0]))}`;
    const res = await sendWebhook(gateway.url, 'push', form, { contentType: 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(202);
  });

  it('answers 400 for a signed body that is not JSON, recording it as rejected with no event', async () => {
    const res = await sendWebhook(gateway.url, 'push', 'not json {');
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/not a JSON object/);
    expect(await row(res.deliveryId)).toEqual({ status: 'rejected', reason: res.body.message, event_id: null });
  });

  it('answers 400 for a signed push without the fields a push has, recording why', async () => {
    const res = await sendWebhook(gateway.url, 'push', { hello: 'world' });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/^not a readable GitHub push payload: ref: /);
    expect(await row(res.deliveryId)).toMatchObject({ status: 'rejected', event_id: null });
  });

  it('answers 400 when X-GitHub-Delivery is malformed', async () => {
    const res = await sendWebhook(gateway.url, 'push', examplesOf('push')[0], { deliveryId: 'bad id with spaces' });
    expect(res.status).toBe(400);
  });

  it('answers 413 for a body over the cap, before reading it all', async () => {
    const big = { ...examplesOf('push')[0], padding: 'x'.repeat(300 * 1024) };
    const res = await sendWebhook(gateway.url, 'push', big);
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ statusCode: 413 });
  });

  it('records an event it does not handle as ignored', async () => {
    const res = await sendWebhook(gateway.url, 'star', {
      action: 'created',
      repository: examplesOf('push')[0].repository,
    });
    expect(res.status).toBe(202);
    const view = await getJson(`${gateway.url}/api/v1/deliveries/${res.deliveryId}`, tokenFor('operator', ['admin']));
    expect(view.body).toMatchObject({
      deliveryId: res.deliveryId,
      event: 'star',
      action: 'created',
      status: 'ignored',
    });
  });

  it('shows a delivery to operators and hides it from a user who owns no matching project', async () => {
    const res = await sendWebhook(gateway.url, 'push', examplesOf('push')[0]);
    const asOperator = await getJson(
      `${gateway.url}/api/v1/deliveries/${res.deliveryId}`,
      tokenFor('operator', ['admin']),
    );
    expect(asOperator.status).toBe(200);
    expect(asOperator.body).toMatchObject({ deliveryId: res.deliveryId, event: 'push', status: 'accepted' });
    const asStranger = await getJson(`${gateway.url}/api/v1/deliveries/${res.deliveryId}`, tokenFor('someone-else'));
    expect(asStranger.status).toBe(404);
    const anonymous = await getJson(`${gateway.url}/api/v1/deliveries/${res.deliveryId}`);
    expect(anonymous.status).toBe(401);
  });
});
