import * as net from 'node:net';
import { createSigner, NcpApiError, NcpHttp, NcpNetworkError, SignedApi } from '@klepaas/ncp';
import { FakeHttpServer } from './support/fake-http-server';
import { ACCESS_KEY, ok, SECRET_KEY, startNcpFake } from './support/ncp-fake';

describe('NcpHttp and signed calls', () => {
  let fake: FakeHttpServer;
  let http: NcpHttp;
  let waits: number[];

  const api = (prefix = '/ncp/sourcebuild/api/v1', service = 'SourceBuild') =>
    new SignedApi({
      service,
      baseUrl: `${fake.url}${prefix}`,
      signer: createSigner({ accessKey: ACCESS_KEY, secretKey: SECRET_KEY }, 'KR'),
      http,
    });

  beforeEach(async () => {
    fake = await startNcpFake();
    waits = [];
    http = new NcpHttp({
      retry: { attempts: 4, baseDelayMs: 100, maxDelayMs: 1_000 },
      sleep: async (ms) => void waits.push(ms),
      random: () => 1,
    });
  });

  afterEach(async () => {
    await http.close();
    await fake.close();
  });

  it('sends a signed request under the base URL prefix, with the query, and unwraps the result', async () => {
    fake.on('GET', '/ncp/sourcebuild/api/v1/project', ok({ total: 1, project: [{ id: 1, name: 'a b' }] }));
    const result = await api().get('/project', { projectName: 'a b', pageNo: undefined });
    expect(result).toEqual({ total: 1, project: [{ id: 1, name: 'a b' }] });
    const [req] = fake.requests;
    expect(req.target).toBe('/ncp/sourcebuild/api/v1/project?projectName=a%20b');
    expect(req.headers['x-ncp-region_code']).toBe('KR');
    expect(req.headers.accept).toBe('application/json');
    expect(req.headers['content-type']).toBeUndefined();
  });

  it('sends a JSON body with its content type', async () => {
    fake.on('POST', '/ncp/sourcebuild/api/v1/project', ok({ id: 5, name: 'x' }));
    await api().post('/project', { name: 'x' });
    expect(fake.requests[0].headers['content-type']).toBe('application/json');
    expect(fake.requests[0].json).toEqual({ name: 'x' });
  });

  it('retries 429 and 503 with growing backoff, then returns the success', async () => {
    fake.sequence('GET', '/ncp/sourcebuild/api/v1/env/os', [{ status: 429 }, { status: 503 }, ok({ os: [] })]);
    await expect(api().get('/env/os')).resolves.toEqual({ os: [] });
    expect(fake.requests).toHaveLength(3);
    expect(waits).toEqual([100, 200]);
  });

  it("waits the server's Retry-After before the next attempt", async () => {
    fake.sequence('GET', '/ncp/sourcebuild/api/v1/env/os', [
      { status: 429, headers: { 'retry-after': '2' } },
      ok({ os: [] }),
    ]);
    await api().get('/env/os');
    expect(waits).toEqual([2_000]);
  });

  it('signs every attempt afresh, so a retried request carries a new timestamp', async () => {
    let clock = 1_732_600_000_000;
    const ticking = new NcpHttp({ now: () => (clock += 1_000), sleep: async () => undefined });
    const signed = new SignedApi({
      service: 'SourceBuild',
      baseUrl: `${fake.url}/api/v1`,
      signer: createSigner({ accessKey: ACCESS_KEY, secretKey: SECRET_KEY }),
      http: ticking,
    });
    fake.sequence('GET', '/api/v1/env/os', [{ status: 503 }, ok({ os: [] })]);
    await signed.get('/env/os');
    await ticking.close();
    const stamps = fake.requests.map((r) => r.headers['x-ncp-apigw-timestamp']);
    expect(new Set(stamps).size).toBe(2);
  });

  it('gives up after the configured attempts with the last status and the attempt count', async () => {
    fake.on('GET', '/ncp/sourcebuild/api/v1/env/os', {
      status: 503,
      json: { error: { errorCode: 500, message: 'Endpoint Error' } },
    });
    const error = await api()
      .get('/env/os')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NcpApiError);
    expect(error).toMatchObject({ status: 503, errorCode: 500, attempts: 4 });
    expect(fake.requests).toHaveLength(4);
    expect(waits).toEqual([100, 200, 400]);
  });

  it.each([400, 401, 403, 404, 409])('does not retry HTTP %i', async (status) => {
    fake.on('GET', '/ncp/sourcebuild/api/v1/env/os', { status, json: { error: { errorCode: '100', message: 'no' } } });
    await expect(api().get('/env/os')).rejects.toMatchObject({ status, attempts: 1 });
    expect(fake.requests).toHaveLength(1);
  });

  it('answers a bad signature with the gateway 401, never retried', async () => {
    const wrong = new SignedApi({
      service: 'SourceBuild',
      baseUrl: `${fake.url}/api/v1`,
      signer: createSigner({ accessKey: ACCESS_KEY, secretKey: 'wrong' }),
      http,
    });
    await expect(wrong.get('/env/os')).rejects.toMatchObject({
      status: 401,
      errorCode: '200',
      ncpMessage: 'Authentication Failed',
    });
    expect(fake.requests).toHaveLength(1);
  });

  it('does not resend a non-idempotent call after a 5xx, which could start a second run', async () => {
    fake.on('POST', '/api/v1/project/1/build', { status: 503 });
    await expect(api('/api/v1').post('/project/1/build', undefined, { idempotent: false })).rejects.toMatchObject({
      status: 503,
      attempts: 1,
    });
    expect(fake.requests).toHaveLength(1);
  });

  it('resends a non-idempotent call after 429, which the gateway refused before it ran', async () => {
    fake.sequence('POST', '/api/v1/project/1/build', [{ status: 429 }, ok({ buildId: 'b' })]);
    await expect(api('/api/v1').post('/project/1/build', undefined, { idempotent: false })).resolves.toEqual({
      buildId: 'b',
    });
    expect(fake.requests).toHaveLength(2);
  });

  it('retries a dropped connection and reports a network error naming the call when it persists', async () => {
    fake.on('GET', '/api/v1/env/os', 'destroy');
    const error = await api('/api/v1')
      .get('/env/os')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NcpNetworkError);
    expect(error).toMatchObject({
      status: 0,
      attempts: 4,
      call: { service: 'SourceBuild', method: 'GET', url: `${fake.url}/api/v1/env/os` },
    });
    expect(fake.requests).toHaveLength(4);
  });

  it('recovers when a dropped connection is followed by an answer', async () => {
    fake.sequence('GET', '/api/v1/env/os', ['destroy', ok({ os: [{ id: 1 }] })]);
    await expect(api('/api/v1').get('/env/os')).resolves.toEqual({ os: [{ id: 1 }] });
  });

  it('times out a server that never answers, retries, and ends in a network error', async () => {
    const impatient = new NcpHttp({
      timeouts: { headersMs: 150 },
      retry: { attempts: 2, baseDelayMs: 1 },
      sleep: async () => undefined,
    });
    const slow = new SignedApi({
      service: 'SourceBuild',
      baseUrl: `${fake.url}/api/v1`,
      signer: createSigner({ accessKey: ACCESS_KEY, secretKey: SECRET_KEY }),
      http: impatient,
    });
    fake.on('GET', '/api/v1/env/os', 'hang');
    const error = await slow.get('/env/os').catch((e: unknown) => e);
    await impatient.close();
    expect(error).toMatchObject({ status: 0, code: 'UND_ERR_HEADERS_TIMEOUT', attempts: 2 });
    expect(fake.requests).toHaveLength(2);
  });

  it('retries a refused connection, even for a call that must not run twice', async () => {
    const closed = await unusedPort();
    const nowhere = new SignedApi({
      service: 'SourcePipeline',
      baseUrl: `http://127.0.0.1:${closed}/api/v1`,
      signer: createSigner({ accessKey: ACCESS_KEY, secretKey: SECRET_KEY }),
      http,
    });
    const error = await nowhere.post('/project/1/do', undefined, { idempotent: false }).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 0, code: 'ECONNREFUSED', attempts: 4 });
    expect(String(error)).toContain(`POST http://127.0.0.1:${closed}/api/v1/project/1/do`);
    expect(JSON.stringify(error)).not.toContain(SECRET_KEY);
  });

  it('keeps connections alive: ten sequential calls reuse the pooled sockets', async () => {
    fake.on('GET', '/api/v1/env/os', ok({ os: [] }));
    for (let i = 0; i < 10; i++) await api('/api/v1').get('/env/os');
    // undici may open a second socket while the first is being released; never one per call.
    expect(fake.connections).toBeLessThanOrEqual(2);
  });
});

async function unusedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
