import { createHmac, randomUUID } from 'node:crypto';
import { createIsolatedInfra, IsolatedInfra, pollUntil } from '@klepaas/testing';
import { gatewayService } from '../src/gateway.service';
import { count } from '../../../test/support/database';
import { RawUpload } from '../../../test/support/raw-http';
import { StartedService, startService, TEST_SECRETS } from '../../../test/support/services';

const pushExample = require('@octokit/webhooks-examples').find((e: any) => e.name === 'push').examples[1];
const KB = 1024;
const MB = 1024 * KB;
const PATH = '/api/v1/github/webhook';

/** A signed push delivery of exactly `size` bytes (padded), as GitHub would send it. */
function signedPush(size: number) {
  const base = JSON.stringify({ ...pushExample, padding: '' });
  const body = Buffer.from(base.replace('"padding":""', `"padding":"${'x'.repeat(size - base.length)}"`));
  const deliveryId = randomUUID();
  const headers = {
    'content-type': 'application/json',
    'x-github-event': 'push',
    'x-github-delivery': deliveryId,
    'x-hub-signature-256': `sha256=${createHmac('sha256', TEST_SECRETS.appWebhook).update(body).digest('hex')}`,
  };
  return { body, headers, deliveryId };
}

/**
 * Intake that bad input cannot topple, tried without credentials: bodies past the cap, bodies
 * that never end, more bytes at once than the budget, senders that stall. (The same attack at
 * scale, measuring the gateway's memory, is in intake-memory.int-spec.ts.)
 */
describe('webhook intake under attack', () => {
  let infra: IsolatedInfra;
  let gateway: StartedService;
  const uploads: RawUpload[] = [];

  beforeAll(async () => {
    infra = await createIsolatedInfra();
    gateway = await startService(gatewayService, infra, {
      KLEPAAS_WEBHOOK_MAX_BYTES: String(512 * KB),
      KLEPAAS_WEBHOOK_BYTES_IN_FLIGHT: String(768 * KB),
      KLEPAAS_WEBHOOK_BODY_TIMEOUT_MS: '1500',
    });
  });

  afterAll(async () => {
    for (const u of uploads) u.close();
    await gateway?.close();
    await infra?.dispose();
  });

  const start = async (headers: Record<string, string>, contentLength?: number) => {
    const upload = await RawUpload.start(gateway.url, PATH, headers, contentLength);
    uploads.push(upload);
    return upload;
  };
  const answered = (upload: RawUpload) =>
    pollUntil(
      () => upload.status,
      (status) => status !== null,
      { description: 'an answer' },
    );
  const stored = (deliveryId: string) =>
    count(infra.databaseUrl, 'SELECT count(*) AS n FROM webhook_deliveries WHERE delivery_id = $1', [deliveryId]);

  it('answers a declared body over the cap with 413 and closes, before a byte of it is sent', async () => {
    const upload = await start({ 'x-github-event': 'push' }, 64 * MB);
    expect(await upload.untilClosed()).toBe(true);
    expect(upload.status).toBe(413);
    expect(upload.header('connection')).toBe('close');
  });

  it('drops a chunked body at the cap at once: the connection closes and the rest is never read', async () => {
    const upload = await start({ 'x-github-event': 'push' });
    const total = 256 * MB;
    await upload.flood(total);
    expect(await upload.untilClosed()).toBe(true);
    // What got past the kernel is the cap plus socket buffers, nowhere near the body's length.
    expect(upload.accepted).toBeLessThan(32 * MB);
    expect(upload.status === 413 || upload.error !== null).toBe(true);
  });

  it('answers 503 with Retry-After when the bytes in flight are spent, and serves again once they are free', async () => {
    const first = signedPush(500 * KB);
    const holder = await start(first.headers, first.body.length);
    await holder.send(first.body.subarray(0, 100 * KB));

    const second = signedPush(500 * KB);
    const refused = await start(second.headers, second.body.length);
    expect(await refused.untilClosed()).toBe(true);
    expect(refused.status).toBe(503);
    expect(refused.header('retry-after')).toBe('5');
    expect(await stored(second.deliveryId)).toBe(0);

    // A chunked body is charged as it arrives, and refused the moment it no longer fits.
    const chunked = await start({ 'x-github-event': 'push' });
    await chunked.flood(8 * MB);
    expect(await chunked.untilClosed()).toBe(true);
    expect(chunked.status === 503 || chunked.error !== null).toBe(true);
    expect(chunked.accepted).toBeLessThan(8 * MB);

    await holder.send(first.body.subarray(100 * KB));
    await answered(holder);
    expect(holder.status).toBe(202);
    expect(await stored(first.deliveryId)).toBe(1);
    const again = await start(second.headers, second.body.length);
    await again.send(second.body);
    await answered(again);
    expect(again.status).toBe(202);
  });

  it('drops a sender that stalls mid-body with 408, and gives its budget back', async () => {
    const stalled = signedPush(400 * KB);
    const slow = await start(stalled.headers, stalled.body.length);
    await slow.send(stalled.body.subarray(0, 10 * KB));
    expect(await slow.untilClosed(10_000)).toBe(true);
    expect(slow.status).toBe(408);
    // Its 400 kB are free again: a delivery as large is accepted.
    const next = signedPush(400 * KB);
    const upload = await start(next.headers, next.body.length);
    await upload.send(next.body);
    await answered(upload);
    expect(upload.status).toBe(202);
  });

  it('gives back the budget of a client that goes away mid-body', async () => {
    const gone = signedPush(400 * KB);
    const quitter = await start(gone.headers, gone.body.length);
    await quitter.send(gone.body.subarray(0, 100 * KB));
    quitter.close();
    const next = signedPush(400 * KB);
    const status = await pollUntil(
      async () => {
        const upload = await start(next.headers, next.body.length);
        await upload.send(next.body);
        await answered(upload);
        upload.close();
        return upload.status;
      },
      (s) => s === 202 || s === 200,
      { description: 'a large delivery accepted once the quitter is gone' },
    );
    expect([200, 202]).toContain(status);
  });
});
