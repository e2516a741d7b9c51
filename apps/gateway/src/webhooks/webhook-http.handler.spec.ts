import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serveWebhooksFirst } from './webhook-http.handler';

describe('the webhook HTTP handler', () => {
  let server: Server;
  let url: string;
  const logged: string[] = [];

  beforeAll(async () => {
    server = createServer((_req, res) => res.end('express'));
    // An intake that fails the way a bug would: the handler must answer 500 and log why.
    const failing = { receive: () => Promise.reject(new TypeError('cannot read properties of undefined (boom)')) };
    serveWebhooksFirst(
      server,
      failing,
      { maxBytes: 1024, bytesInFlight: 4096, timeoutMs: 1000 },
      { error: (message: unknown) => void logged.push(String(message)) },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('answers 500 without details and logs the cause with the delivery id', async () => {
    const res = await fetch(`${url}/api/v1/github/webhook`, {
      method: 'POST',
      headers: { 'x-github-delivery': 'd-500', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ statusCode: 500, error: 'Internal Server Error', message: 'internal error' });
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatch(
      /^webhook delivery d-500 failed: TypeError: cannot read properties of undefined \(boom\)/,
    );
  });

  it('passes every other request on to the app', async () => {
    expect(await (await fetch(`${url}/api/v1/projects`)).text()).toBe('express');
  });
});
