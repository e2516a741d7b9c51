import * as net from 'node:net';
import { GithubError } from '@klepaas/github';
import { GITHUB_API_VERSION, GithubHttp } from '../src/http';
import { FakeGithub } from './support/fake-github';

const TOKEN = 'ghs_unitTestToken0123456789abcdefghijkl';

describe('GitHub transport', () => {
  let fake: FakeGithub;
  let http: GithubHttp;
  let waits: number[];

  const make = (apiUrl: string, timeoutMs?: number) =>
    new GithubHttp({
      apiUrl,
      timeoutMs,
      retry: { attempts: 3, baseDelayMs: 100, maxDelayMs: 1_000 },
      sleep: async (ms) => void waits.push(ms),
      random: () => 1,
    });

  beforeEach(async () => {
    fake = await FakeGithub.start();
    waits = [];
    http = make(`${fake.url}/api/v3/`);
  });

  afterEach(async () => {
    await http.close();
    await fake.close();
  });

  it("sends GitHub's media type, API version, a user agent and the bearer token under the API URL's path", async () => {
    fake.on('GET', '/api/v3/repos/o/r', { json: { id: 1 } });
    await expect(http.send({ method: 'GET', path: '/repos/o/r', token: TOKEN })).resolves.toMatchObject({
      status: 200,
      json: { id: 1 },
    });
    const [req] = fake.requests;
    expect(req.target).toBe('/api/v3/repos/o/r');
    expect(req.headers.accept).toBe('application/vnd.github+json');
    expect(req.headers['x-github-api-version']).toBe(GITHUB_API_VERSION);
    expect(req.headers['user-agent']).toBe('klepaas-cicd');
    expect(req.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(req.headers['content-type']).toBeUndefined();
  });

  it('sends a JSON body with its content type', async () => {
    fake.on('POST', '/api/v3/x', { status: 201, json: { id: 2 } });
    await http.send({ method: 'POST', path: '/x', token: TOKEN, body: { a: 1 } });
    expect(fake.requests[0].headers['content-type']).toBe('application/json');
    expect(fake.requests[0].json).toEqual({ a: 1 });
  });

  it('answers an empty 204 as no body', async () => {
    fake.on('DELETE', '/api/v3/x', { status: 204 });
    await expect(http.send({ method: 'DELETE', path: '/x', token: TOKEN })).resolves.toMatchObject({
      status: 204,
      json: undefined,
    });
  });

  it('retries a GET after 5xx answers with growing backoff, then returns the success', async () => {
    fake.on('GET', '/api/v3/x', { status: 502 }, { status: 503 }, { json: { ok: true } });
    await expect(http.send({ method: 'GET', path: '/x', token: TOKEN })).resolves.toMatchObject({ json: { ok: true } });
    expect(fake.requests).toHaveLength(3);
    expect(waits).toEqual([100, 200]);
  });

  it('gives up after three attempts with the last status', async () => {
    fake.on('GET', '/api/v3/x', { status: 500, json: { message: 'Server Error' } });
    const error = await http.send({ method: 'GET', path: '/x', token: TOKEN }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GithubError);
    expect(error).toMatchObject({ code: 'unexpected', status: 500, attempts: 3 });
    expect(fake.requests).toHaveLength(3);
  });

  it('does not send a create again after a 5xx, since GitHub may have applied it', async () => {
    fake.on('POST', '/api/v3/x', { status: 502 }, { status: 201, json: { id: 1 } });
    await expect(http.send({ method: 'POST', path: '/x', token: TOKEN, body: {} })).rejects.toMatchObject({
      status: 502,
      attempts: 1,
    });
    expect(fake.requests).toHaveLength(1);
  });

  it('retries a POST marked idempotent like a GET', async () => {
    fake.on('POST', '/api/v3/x', { status: 502 }, { status: 201, json: { id: 1 } });
    await expect(http.send({ method: 'POST', path: '/x', token: TOKEN, idempotent: true })).resolves.toMatchObject({
      status: 201,
    });
  });

  it('throws rate-limited at once instead of waiting for the quota to reset', async () => {
    const reset = String(Math.floor(Date.now() / 1000) + 3000);
    fake.on('GET', '/api/v3/x', {
      status: 403,
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset },
      json: { message: 'API rate limit exceeded' },
    });
    const error = await http.send({ method: 'GET', path: '/x', token: TOKEN }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'rate-limited', status: 403, attempts: 1 });
    expect((error as GithubError).retryAfterMs).toBeGreaterThan(2_900_000);
    expect(fake.requests).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('retries a GET whose connection dropped, then reports a network error', async () => {
    fake.on('GET', '/api/v3/x', 'destroy');
    const error = await http.send({ method: 'GET', path: '/x', token: TOKEN }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'network', status: 0, attempts: 3, call: { method: 'GET', path: '/x' } });
    expect(fake.requests).toHaveLength(3);
  });

  it('sends a create again when the connection was refused, since nothing reached GitHub', async () => {
    const port = await closedPort();
    const refused = make(`http://127.0.0.1:${port}`);
    const error = await refused.send({ method: 'POST', path: '/x', token: TOKEN, body: {} }).catch((e: unknown) => e);
    await refused.close();
    expect(error).toMatchObject({ code: 'network', attempts: 3 });
    expect((error as Error).message).toContain('ECONNREFUSED');
  });

  it('ends an attempt that outlives the timeout as a network error', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const slow = make(`http://127.0.0.1:${(silent.address() as net.AddressInfo).port}`, 150);
    const error = await slow.send({ method: 'GET', path: '/x', token: TOKEN }).catch((e: unknown) => e);
    await slow.close();
    sockets.forEach((socket) => socket.destroy());
    await new Promise<void>((resolve) => silent.close(() => resolve()));
    expect(error).toMatchObject({ code: 'network', attempts: 3 });
    expect((error as Error).message).toContain('timeout');
  });

  it('reports a 2xx body that is not JSON as unexpected', async () => {
    fake.on('GET', '/api/v3/x', { text: '<html>hi</html>' });
    await expect(http.send({ method: 'GET', path: '/x', token: TOKEN })).rejects.toMatchObject({
      code: 'unexpected',
      status: 200,
    });
  });

  it('refuses an API URL that is not http(s)', () => {
    expect(() => new GithubHttp({ apiUrl: 'ftp://example.com' })).toThrow('http(s)');
  });
});

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
