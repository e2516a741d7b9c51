import { createServer } from 'node:net';
import { request } from 'undici';
import type { RunningService } from '@klepaas/bootstrap';
import { createIsolatedInfra, IsolatedInfra } from '@klepaas/testing';
import { gatewayService } from '../src/gateway.service';
import { tokenFor } from '../../../test/support/http';
import { startService } from '../../../test/support/services';

/** A port nobody listens on right now (the internal listener needs a number to be found at). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function status(url: string, token?: string): Promise<number> {
  const res = await request(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  await res.body.dump();
  return res.statusCode;
}

/** KLEPAAS_GATEWAY_INTERNAL_PORT: metrics and the API description off the public port. */
describe('the gateway internal listener', () => {
  let infra: IsolatedInfra;
  let gateway: RunningService;
  let internalUrl: string;

  beforeAll(async () => {
    infra = await createIsolatedInfra();
    const port = await freePort();
    gateway = await startService(gatewayService, infra, { KLEPAAS_GATEWAY_INTERNAL_PORT: String(port) });
    internalUrl = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    await gateway?.close();
    await infra?.dispose();
  });

  it('serves /metrics and /api/docs only on the internal port; the API and health on both', async () => {
    for (const path of ['/metrics', '/api/docs', '/api/docs-json', '/api/docs/']) {
      expect({ path, status: await status(`${gateway.url}${path}`) }).toEqual({ path, status: 404 });
    }
    expect(await status(`${internalUrl}/metrics`)).toBe(200);
    expect(await status(`${internalUrl}/api/docs-json`)).toBe(200);
    const operator = tokenFor('ops', ['admin']);
    for (const base of [gateway.url, internalUrl]) {
      expect(await status(`${base}/health/live`)).toBe(200);
      expect(await status(`${base}/api/v1/projects`, operator)).toBe(200);
    }
  });

  it('closes with the gateway', async () => {
    await gateway.close();
    await expect(request(`${internalUrl}/health/live`)).rejects.toThrow();
  });
});
