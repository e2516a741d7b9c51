import {
  NcpApiError,
  NcpHttp,
  NcpResourceNotOursError,
  NcpUnexpectedResponseError,
  SourceCommitClient,
} from '@klepaas/ncp';
import type { FakeHttpServer } from './support/fake-http-server';
import { ACCESS_KEY, NO_WAIT, ok, SECRET_KEY, startNcpFake } from './support/ncp-fake';

const BASE = '/ncp/sourcecommit/api/v1';
const detail = {
  id: 42,
  name: 'owner-repo',
  git: { https: 'https://devtools.ncloud.com/1234/owner-repo.git', ssh: 'ssh://x' },
};

describe('SourceCommitClient', () => {
  let fake: FakeHttpServer;
  let http: NcpHttp;
  let client: SourceCommitClient;

  beforeEach(async () => {
    fake = await startNcpFake();
    http = new NcpHttp(NO_WAIT);
    client = new SourceCommitClient({
      endpoint: `${fake.url}/ncp/sourcecommit`,
      accessKey: ACCESS_KEY,
      secretKey: SECRET_KEY,
      http,
      readBack: { attempts: 4, delayMs: 1 },
    });
  });

  afterEach(async () => {
    await http.close();
    await fake.close();
  });

  it('lists repositories from GET /repository', async () => {
    fake.on(
      'GET',
      `${BASE}/repository`,
      ok({ total: 1, repository: [{ id: 42, name: 'owner-repo', permission: 'Owner' }] }),
    );
    await expect(client.listRepositories()).resolves.toEqual([{ id: 42, name: 'owner-repo', permission: 'Owner' }]);
  });

  it('reads a repository by name, clone URL included', async () => {
    fake.on('GET', `${BASE}/repository/owner-repo`, ok(detail));
    const repo = await client.getRepository('owner-repo');
    expect(repo.git?.https).toBe('https://devtools.ncloud.com/1234/owner-repo.git');
  });

  it('reads a repository by id', async () => {
    fake.on('GET', `${BASE}/repository/id/42`, ok(detail));
    await expect(client.getRepositoryById(42)).resolves.toMatchObject({ id: 42 });
  });

  it('creates with POST /repository and the documented body', async () => {
    fake.on('POST', `${BASE}/repository`, ok(true));
    await client.createRepository({ name: 'owner-repo', description: 'mirror', linked: { FileSafer: false } });
    expect(fake.requests[0].json).toEqual({ name: 'owner-repo', description: 'mirror', linked: { FileSafer: false } });
  });

  it('updates with PATCH and deletes with DELETE on /repository/id/{id}', async () => {
    fake.on('PATCH', `${BASE}/repository/id/42`, ok(true)).on('DELETE', `${BASE}/repository/id/42`, ok(true));
    await client.updateRepository(42, { description: 'd' });
    await client.deleteRepository(42);
    expect(fake.requests.map((r) => `${r.method} ${r.pathname}`)).toEqual([
      `PATCH ${BASE}/repository/id/42`,
      `DELETE ${BASE}/repository/id/42`,
    ]);
    expect(fake.requests[0].json).toEqual({ description: 'd' });
  });

  it('ensureRepository returns the id of an existing repository without creating one', async () => {
    fake.on('GET', `${BASE}/repository`, ok({ total: 1, repository: [{ id: 7, name: 'owner-repo' }] }));
    await expect(client.ensureRepository('owner-repo')).resolves.toBe(7);
    expect(fake.requestsTo('POST', `${BASE}/repository`)).toHaveLength(0);
  });

  it('ensureRepository creates a missing repository and reads its id back once it is listed', async () => {
    // create answers `true` only; the new repository shows up on the third lookup (eventual consistency)
    fake.sequence('GET', `${BASE}/repository`, [
      ok({ total: 0, repository: [] }),
      ok({ total: 0, repository: [] }),
      ok({ total: 0, repository: [] }),
      ok({ total: 1, repository: [{ id: 9, name: 'owner-repo' }] }),
    ]);
    fake.on('POST', `${BASE}/repository`, ok(true));
    await expect(client.ensureRepository('owner-repo', { description: 'x' })).resolves.toBe(9);
    expect(fake.requestsTo('POST', `${BASE}/repository`)[0].json).toEqual({ description: 'x', name: 'owner-repo' });
  });

  it('ensureRepository counts a refused create as success when the repository exists after all', async () => {
    fake.sequence('GET', `${BASE}/repository`, [
      ok({ repository: [] }),
      ok({ repository: [{ id: 11, name: 'owner-repo' }] }),
    ]);
    fake.on('POST', `${BASE}/repository`, {
      status: 400,
      json: { error: { errorCode: 310405, message: 'already exists' } },
    });
    await expect(client.ensureRepository('owner-repo')).resolves.toBe(11);
  });

  it('ensureRepository passes on a refused create when the repository is still missing', async () => {
    fake.on('GET', `${BASE}/repository`, ok({ repository: [] }));
    fake.on('POST', `${BASE}/repository`, {
      status: 400,
      json: { error: { errorCode: '100', message: 'Bad Request Exception' } },
    });
    await expect(client.ensureRepository('bad name')).rejects.toMatchObject({ status: 400, errorCode: '100' });
  });

  it('ensureRepository gives up, naming the create call, when a created repository never shows', async () => {
    fake.on('GET', `${BASE}/repository`, ok({ repository: [] }));
    fake.on('POST', `${BASE}/repository`, ok(true));
    const error = await client.ensureRepository('ghost').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NcpUnexpectedResponseError);
    expect((error as NcpApiError).message).toMatch(/ghost.*not found by name after 4 lookups/);
    expect(fake.requestsTo('GET', `${BASE}/repository`)).toHaveLength(5);
  });

  it('ensureRepository refuses, creating nothing, a repository it may not adopt', async () => {
    fake.on('GET', `${BASE}/repository`, ok({ total: 1, repository: [{ id: 7, name: 'owner-repo' }] }));
    const recorded: string[] = [];
    const error = await client
      .ensureRepository('owner-repo', {}, { adoptExisting: false, beforeCreate: async () => void recorded.push('x') })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NcpResourceNotOursError);
    expect((error as Error).message).toBe(
      'SourceCommit repository "owner-repo" already exists in NCP, but was not created by this project: it is not adopted',
    );
    expect(recorded).toEqual([]);
    expect(fake.requestsTo('POST', `${BASE}/repository`)).toHaveLength(0);
  });

  it('ensureRepository records the intent before the create call, and takes what that call made', async () => {
    fake.sequence('GET', `${BASE}/repository`, [ok({ repository: [] }), ok({ repository: [{ id: 12, name: 'n' }] })]);
    fake.on('POST', `${BASE}/repository`, ok(true));
    const order: string[] = [];
    const id = await client.ensureRepository(
      'n',
      {},
      {
        adoptExisting: false,
        beforeCreate: async () => void order.push(`recorded after ${fake.requests.length} request(s)`),
      },
    );
    expect(id).toBe(12);
    expect(order).toEqual(['recorded after 1 request(s)']);
    expect(fake.requests.map((r) => r.method)).toEqual(['GET', 'POST', 'GET']);
  });

  it('does not take an auth failure on lookup for a missing repository', async () => {
    fake.on('GET', `${BASE}/repository`, {
      status: 401,
      json: { error: { errorCode: '200', message: 'Authentication Failed' } },
    });
    await expect(client.ensureRepository('owner-repo')).rejects.toBeInstanceOf(NcpApiError);
    expect(fake.requestsTo('POST', `${BASE}/repository`)).toHaveLength(0);
  });

  it('uses the public SourceCommit host by default', () => {
    const defaults = new SourceCommitClient({ accessKey: ACCESS_KEY, secretKey: SECRET_KEY, http });
    expect(defaults.baseUrl).toBe('https://sourcecommit.apigw.ntruss.com/api/v1');
  });
});
