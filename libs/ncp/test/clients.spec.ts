import { createNcpClients, ensureByName, NCP_DEFAULT_ENDPOINTS, NcpApiError, NcpHttp } from '@klepaas/ncp';
import { inspect } from 'node:util';
import type { FakeHttpServer } from './support/fake-http-server';
import { ACCESS_KEY, NO_WAIT, ok, SECRET_KEY, startNcpFake } from './support/ncp-fake';

describe('createNcpClients', () => {
  it('points every client at the documented public hosts by default', async () => {
    const ncp = createNcpClients({ accessKey: ACCESS_KEY, secretKey: SECRET_KEY });
    expect(ncp.sourceCommit.baseUrl).toBe(`${NCP_DEFAULT_ENDPOINTS.sourceCommit}/api/v1`);
    expect(ncp.sourceBuild.baseUrl).toBe('https://sourcebuild.apigw.ntruss.com/api/v1');
    expect(ncp.sourceDeploy.baseUrl).toBe('https://vpcsourcedeploy.apigw.ntruss.com/api/v1');
    expect(ncp.sourcePipeline.baseUrl).toBe('https://vpcsourcepipeline.apigw.ntruss.com/api/v1');
    expect(ncp.ncr.baseUrl).toBe('https://ncr.apigw.ntruss.com/ncr/api/v2');
    expect(ncp.registry).toBeUndefined();
    await ncp.close();
  });

  it('takes endpoints with path prefixes, as the sandbox serves them', async () => {
    const ncp = createNcpClients({
      accessKey: ACCESS_KEY,
      secretKey: SECRET_KEY,
      endpoints: {
        sourceBuild: 'http://127.0.0.1:4000/ncp/sourcebuild',
        containerRegistryApi: 'http://127.0.0.1:4000/ncp/ncr/api/v2',
      },
      registryUrl: 'http://127.0.0.1:4000',
    });
    expect(ncp.sourceBuild.baseUrl).toBe('http://127.0.0.1:4000/ncp/sourcebuild/api/v1');
    expect(ncp.ncr.baseUrl).toBe('http://127.0.0.1:4000/ncp/ncr/api/v2');
    expect(ncp.sourceCommit.baseUrl).toBe('https://sourcecommit.apigw.ntruss.com/api/v1');
    expect(ncp.registry?.registryUrl.toString()).toBe('http://127.0.0.1:4000/');
    await ncp.close();
  });

  it('never shows the secret when the clients are inspected or serialised', async () => {
    const ncp = createNcpClients({ accessKey: ACCESS_KEY, secretKey: SECRET_KEY, registryUrl: 'r.kr.ncr.ntruss.com' });
    const { http, close, ...clients } = ncp;
    expect(inspect(clients, { depth: 6 })).not.toContain(SECRET_KEY);
    expect(inspect(clients, { depth: 6 })).not.toContain(Buffer.from(`${ACCESS_KEY}:${SECRET_KEY}`).toString('base64'));
    expect(http).toBeInstanceOf(NcpHttp);
    await close();
  });

  it('shares one transport between the clients, and leaves a transport it was given open', async () => {
    const fake: FakeHttpServer = await startNcpFake();
    const http = new NcpHttp(NO_WAIT);
    try {
      const ncp = createNcpClients({
        accessKey: ACCESS_KEY,
        secretKey: SECRET_KEY,
        http,
        endpoints: { sourceCommit: `${fake.url}/ncp/sourcecommit`, sourceBuild: `${fake.url}/ncp/sourcebuild` },
      });
      fake.on('GET', '/ncp/sourcecommit/api/v1/repository', ok({ repository: [] }));
      fake.on('GET', '/ncp/sourcebuild/api/v1/env/os', ok({ os: [] }));
      await ncp.sourceCommit.listRepositories();
      await ncp.close();
      // close() left the given transport open: this call still goes through it
      await expect(ncp.sourceBuild.listOs()).resolves.toEqual([]);
      expect(ncp.http).toBe(http);
      expect(fake.requests).toHaveLength(2);
    } finally {
      await http.close();
      await fake.close();
    }
  });
});

describe('ensureByName', () => {
  const call = { service: 'SourceBuild', method: 'POST', url: 'https://x/api/v1/project' };
  const sleep = async () => undefined;

  it('does not look again when a create fails with a server error', async () => {
    let lookups = 0;
    const failure = new NcpApiError({ status: 503, ncpMessage: 'Endpoint Error', call });
    await expect(
      ensureByName({
        what: 'x',
        createCall: call,
        sleep,
        find: async () => void lookups++,
        create: async () => Promise.reject(failure),
      }),
    ).rejects.toBe(failure);
    expect(lookups).toBe(1);
  });

  it('does not hide an error that is not from NCP', async () => {
    await expect(
      ensureByName({
        what: 'x',
        createCall: call,
        sleep,
        find: async () => undefined,
        create: async () => Promise.reject(new TypeError('bug')),
      }),
    ).rejects.toThrow(TypeError);
  });

  it('waits longer between each read-back', async () => {
    const waits: number[] = [];
    let lookups = 0;
    const id = await ensureByName({
      what: 'x',
      createCall: call,
      sleep: async (ms) => void waits.push(ms),
      readBack: { attempts: 4, delayMs: 10 },
      find: async () => (++lookups === 5 ? 1 : undefined),
      create: async () => undefined,
    });
    expect(id).toBe(1);
    expect(waits).toEqual([10, 20, 40]);
  });
});
