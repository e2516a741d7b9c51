import { createSigner, NcpCallObservation, NcpHttp, operationOf, SignedApi } from '@klepaas/ncp';
import { FakeHttpServer } from './support/fake-http-server';
import { ACCESS_KEY, ok, SECRET_KEY, startNcpFake } from './support/ncp-fake';

describe('NCP call observations (metrics)', () => {
  let fake: FakeHttpServer;
  let seen: NcpCallObservation[];
  let http: NcpHttp;

  const api = () =>
    new SignedApi({
      service: 'SourceBuild',
      baseUrl: `${fake.url}/ncp/sourcebuild/api/v1`,
      signer: createSigner({ accessKey: ACCESS_KEY, secretKey: SECRET_KEY }, 'KR'),
      http,
    });

  beforeEach(async () => {
    fake = await startNcpFake();
    seen = [];
    http = new NcpHttp({
      retry: { attempts: 3, baseDelayMs: 1 },
      sleep: async () => undefined,
      onCall: (o) => seen.push(o),
    });
  });

  afterEach(async () => {
    await http.close();
    await fake.close();
  });

  it('reports each call once, after its retries, with the final status and the operation without ids or prefix', async () => {
    fake.sequence('GET', '/ncp/sourcebuild/api/v1/project/4711/history', [{ status: 503 }, ok({ history: [] })]);
    await api().get('/project/4711/history');
    expect(seen).toEqual([
      {
        service: 'SourceBuild',
        operation: 'GET /api/v1/project/:id/history',
        status: 200,
        attempts: 2,
        durationMs: expect.any(Number),
      },
    ]);
  });

  it('reports a refused call with its status, and a call that got no answer as status 0', async () => {
    fake.on('DELETE', '/ncp/sourcebuild/api/v1/project/9', () => ({ status: 400, json: { error: { errorCode: 1 } } }));
    await expect(api().delete('/project/9')).rejects.toThrow();
    const closed = new NcpHttp({ retry: { attempts: 1 }, onCall: (o) => seen.push(o) });
    await expect(
      closed.send({ service: 'SourceDeploy', method: 'GET', url: new URL('http://127.0.0.1:1/api/v1/project/3') }),
    ).rejects.toThrow();
    await closed.close();
    expect(seen.map((o) => [o.service, o.operation, o.status])).toEqual([
      ['SourceBuild', 'DELETE /api/v1/project/:id', 400],
      ['SourceDeploy', 'GET /api/v1/project/:id', 0],
    ]);
  });

  it('never lets a failing observer fail the call', async () => {
    const throwing = new NcpHttp({
      onCall: () => {
        throw new Error('metrics broke');
      },
    });
    fake.on('GET', '/ncp/sourcebuild/api/v1/env/os', ok({ os: [] }));
    const signed = new SignedApi({
      service: 'SourceBuild',
      baseUrl: `${fake.url}/ncp/sourcebuild/api/v1`,
      signer: createSigner({ accessKey: ACCESS_KEY, secretKey: SECRET_KEY }, 'KR'),
      http: throwing,
    });
    await expect(signed.get('/env/os')).resolves.toEqual({ os: [] });
    await throwing.close();
  });

  it('names operations by their fixed words only (tenant names and ids never become label values)', () => {
    const op = (path: string) => operationOf('GET', new URL(`https://sourcecommit.apigw.ntruss.com${path}`));
    expect(op('/api/v1/repository/alice-shop')).toBe('GET /api/v1/repository/:id');
    expect(op('/api/v1/project/12/stage/34/scenario/56/deploy')).toBe(
      'GET /api/v1/project/:id/stage/:id/scenario/:id/deploy',
    );
    expect(op('/v2/alice-shop/manifests/3f2a9c1')).toBe('GET /v2/:id/manifests/:id');
    // A repository named like a fixed word is still a name.
    expect(op('/api/v1/repository/project')).toBe('GET /api/v1/repository/:id');
    expect(op('/api/v1/repository/id/7')).toBe('GET /api/v1/repository/id/:id');
  });
});
