import {
  imageReference,
  MANIFEST_ACCEPT_TYPES,
  NcpApiError,
  NcpHttp,
  NcrManagementClient,
  NcrRegistryClient,
  normalizeRegistryUrl,
  parseWwwAuthenticate,
  registryNameFromUrl,
} from '@klepaas/ncp';
import { FakeHttpServer, type RecordedRequest, type Reply } from './support/fake-http-server';
import { ACCESS_KEY, NO_WAIT, ok, SECRET_KEY, startNcpFake } from './support/ncp-fake';

const BASIC = `Basic ${Buffer.from(`${ACCESS_KEY}:${SECRET_KEY}`).toString('base64')}`;

/** A registry v2 stand-in with a Bearer challenge and a token realm that takes the NCP keys. */
async function startRegistry(images: Set<string>, tokenField: 'token' | 'access_token' = 'token') {
  const fake = await FakeHttpServer.start();
  let issued = 0;
  const valid = new Set<string>();
  fake.on('GET', '/token', (req) => {
    if (req.headers.authorization !== BASIC)
      return { status: 401, json: { errors: [{ code: 'UNAUTHORIZED', message: 'bad credentials' }] } };
    const token = `t-${++issued}`;
    valid.add(token);
    return { json: { [tokenField]: token, expires_in: 300 } };
  });
  fake.on('HEAD', /^\/v2\/.+\/manifests\/[^/]+$/, (req: RecordedRequest): Reply => {
    const [, image, tag] = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(req.pathname)!;
    const bearer = String(req.headers.authorization ?? '').replace(/^Bearer /, '');
    if (!valid.has(bearer)) {
      return {
        status: 401,
        headers: {
          'www-authenticate': `Bearer realm="${fake.url}/token",service="registry.test",scope="repository:${image}:pull"`,
        },
      };
    }
    return images.has(`${image}:${tag}`)
      ? { status: 200, headers: { 'docker-content-digest': 'sha256:abc' } }
      : { status: 404 };
  });
  return fake;
}

describe('NcrRegistryClient.manifestExists', () => {
  let registry: FakeHttpServer;
  let http: NcpHttp;
  let clock: number;

  const client = (url = registry.url) =>
    new NcrRegistryClient({ registryUrl: url, accessKey: ACCESS_KEY, secretKey: SECRET_KEY, http });

  beforeEach(async () => {
    registry = await startRegistry(new Set(['owner-repo:abc1234', 'team/app:v1']));
    clock = 1_000_000;
    http = new NcpHttp({ ...NO_WAIT, now: () => clock });
  });

  afterEach(async () => {
    await http.close();
    await registry.close();
  });

  it('answers true for a pushed tag after following the Bearer challenge with the NCP keys', async () => {
    await expect(client().manifestExists('owner-repo', 'abc1234')).resolves.toBe(true);
    const [challenged, token, authorised] = registry.requests;
    expect(challenged.method).toBe('HEAD');
    expect(token.pathname).toBe('/token');
    expect(token.headers.authorization).toBe(BASIC);
    expect(token.query.get('service')).toBe('registry.test');
    expect(token.query.get('scope')).toBe('repository:owner-repo:pull');
    expect(authorised.headers.authorization).toBe('Bearer t-1');
  });

  it('asks for every Docker v2 and OCI manifest type', async () => {
    await client().manifestExists('owner-repo', 'abc1234');
    const accept = String(registry.requests[0].headers.accept).split(/,\s*/);
    expect(accept).toEqual([...MANIFEST_ACCEPT_TYPES]);
    expect(accept).toEqual(
      expect.arrayContaining([
        'application/vnd.docker.distribution.manifest.v2+json',
        'application/vnd.docker.distribution.manifest.list.v2+json',
        'application/vnd.oci.image.manifest.v1+json',
        'application/vnd.oci.image.index.v1+json',
      ]),
    );
  });

  it('answers false for a tag the registry does not have', async () => {
    await expect(client().manifestExists('owner-repo', 'nope')).resolves.toBe(false);
  });

  it('handles image names with a path', async () => {
    await expect(client().manifestExists('team/app', 'v1')).resolves.toBe(true);
    expect(registry.requests[0].pathname).toBe('/v2/team/app/manifests/v1');
  });

  it('reuses a token until it expires, then fetches a new one', async () => {
    const c = client();
    await c.manifestExists('owner-repo', 'abc1234');
    await c.manifestExists('owner-repo', 'nope');
    expect(registry.requestsTo('GET', '/token')).toHaveLength(1);
    clock += 301_000;
    await c.manifestExists('owner-repo', 'abc1234');
    expect(registry.requestsTo('GET', '/token')).toHaveLength(2);
    expect(registry.requests.at(-1)!.headers.authorization).toBe('Bearer t-2');
  });

  it('reads the token from access_token when token is absent', async () => {
    const other = await startRegistry(new Set(['x:1']), 'access_token');
    try {
      await expect(client(other.url).manifestExists('x', '1')).resolves.toBe(true);
    } finally {
      await other.close();
    }
  });

  it('never sends the NCP keys to a token realm on another host, unless that host is allowed', async () => {
    const elsewhere = await FakeHttpServer.start();
    elsewhere.on('GET', '/token', { json: { token: 'stolen' } });
    const hostile = await FakeHttpServer.start();
    hostile.on('HEAD', '/v2/x/manifests/1', (req) =>
      req.headers.authorization === 'Bearer stolen'
        ? { status: 200 }
        : { status: 401, headers: { 'www-authenticate': `Bearer realm="${elsewhere.url}/token",service="r"` } },
    );
    try {
      const error = await client(hostile.url)
        .manifestExists('x', '1')
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NcpApiError);
      expect(String(error)).toMatch(/token realm .* is not the registry's own host/);
      expect(elsewhere.requests).toHaveLength(0);
      // A realm host the operator allowed (KLEPAAS_NCP_CONTAINER_REGISTRY_AUTH_HOSTS) is followed.
      const allowed = new NcrRegistryClient({
        registryUrl: hostile.url,
        accessKey: ACCESS_KEY,
        secretKey: SECRET_KEY,
        authHosts: [new URL(elsewhere.url).host],
        http,
      });
      await expect(allowed.manifestExists('x', '1')).resolves.toBe(true);
      expect(elsewhere.requests[0].headers.authorization).toBe(BASIC);
    } finally {
      await hostile.close();
      await elsewhere.close();
    }
  });

  it('refuses a realm on its own host over a weaker scheme than the registry', async () => {
    const registryUrl = 'https://registry.example';
    const c = new NcrRegistryClient({ registryUrl, accessKey: ACCESS_KEY, secretKey: SECRET_KEY, http });
    const challenge = { scheme: 'bearer', params: { realm: 'http://registry.example/token' } };
    const error = await (c as any)
      .fetchToken(challenge, 'x', new URL(`${registryUrl}/v2/x/manifests/1`))
      .catch((e: unknown) => e);
    expect(String(error)).toMatch(/not the registry's own host nor an allowed one/);
  });

  it('answers a Basic challenge with the NCP keys directly', async () => {
    const basic = await FakeHttpServer.start();
    basic.on('HEAD', '/v2/x/manifests/1', (req) =>
      req.headers.authorization === BASIC
        ? { status: 200 }
        : { status: 401, headers: { 'www-authenticate': 'Basic realm="registry"' } },
    );
    try {
      await expect(client(basic.url).manifestExists('x', '1')).resolves.toBe(true);
    } finally {
      await basic.close();
    }
  });

  it('fails with the token endpoint status when the keys are refused, never showing the secret', async () => {
    const c = new NcrRegistryClient({
      registryUrl: registry.url,
      accessKey: ACCESS_KEY,
      secretKey: 'wrong-secret',
      http,
    });
    const error = await c.manifestExists('owner-repo', 'abc1234').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NcpApiError);
    expect(error).toMatchObject({
      status: 401,
      errorCode: 'UNAUTHORIZED',
      call: { service: 'NCR registry', method: 'GET' },
    });
    expect(JSON.stringify(error) + String(error)).not.toMatch(/wrong-secret|Basic /);
  });

  it('fails with an NcpApiError for a status other than 200 and 404, after retrying 5xx', async () => {
    const broken = await FakeHttpServer.start();
    broken.on('HEAD', '/v2/x/manifests/1', { status: 500 });
    try {
      await expect(client(broken.url).manifestExists('x', '1')).rejects.toMatchObject({
        status: 500,
        attempts: 3,
        call: { method: 'HEAD' },
      });
      expect(broken.requests).toHaveLength(3);
    } finally {
      await broken.close();
    }
  });

  it('refuses image names and tags a registry could not hold, before any call', async () => {
    await expect(client().manifestExists('Owner/Repo', 'v1')).rejects.toThrow(/invalid image name/);
    await expect(client().manifestExists('x', 'a/b')).rejects.toThrow(/invalid tag/);
    expect(registry.requests).toHaveLength(0);
  });
});

describe('NCR registry addresses', () => {
  it('assumes https when the registry has no scheme', () => {
    expect(normalizeRegistryUrl('klepaas-test.kr.ncr.ntruss.com').toString()).toBe(
      'https://klepaas-test.kr.ncr.ntruss.com/',
    );
    expect(normalizeRegistryUrl('http://127.0.0.1:4000/').toString()).toBe('http://127.0.0.1:4000/');
  });

  it("names the registry by its host's first label and builds image references", () => {
    expect(registryNameFromUrl('https://klepaas-test.kr.ncr.ntruss.com')).toBe('klepaas-test');
    expect(imageReference('klepaas-test.kr.ncr.ntruss.com', 'owner-repo', 'abc1234')).toBe(
      'klepaas-test.kr.ncr.ntruss.com/owner-repo:abc1234',
    );
    expect(imageReference('http://127.0.0.1:4000', 'x', '1')).toBe('127.0.0.1:4000/x:1');
  });

  it('parses Bearer and Basic WWW-Authenticate challenges', () => {
    expect(
      parseWwwAuthenticate(
        'Bearer realm="https://r.example/token",service="registry",scope="repository:a/b:pull,push"',
      ),
    ).toEqual([
      {
        scheme: 'bearer',
        params: { realm: 'https://r.example/token', service: 'registry', scope: 'repository:a/b:pull,push' },
      },
    ]);
    expect(parseWwwAuthenticate('Basic realm="x"')).toEqual([{ scheme: 'basic', params: { realm: 'x' } }]);
    expect(parseWwwAuthenticate(undefined)).toEqual([]);
  });
});

describe('NcrManagementClient.listTags', () => {
  let fake: FakeHttpServer;
  let http: NcpHttp;

  beforeEach(async () => {
    fake = await startNcpFake();
    http = new NcpHttp(NO_WAIT);
  });

  afterEach(async () => {
    await http.close();
    await fake.close();
  });

  it('signs and calls the tags path with the image name encoded as one segment', async () => {
    fake.on('GET', '/ncp/ncr/api/v2/repositories/klepaas-test/hello%2Fworld/tags', {
      json: {
        count: 1,
        next: null,
        previous: null,
        results: [{ name: 'v1', digest: 'sha256:abc', images: [{ os: 'linux' }] }],
      },
    });
    const client = new NcrManagementClient({
      endpoint: `${fake.url}/ncp/ncr/api/v2`,
      accessKey: ACCESS_KEY,
      secretKey: SECRET_KEY,
      http,
    });
    const tags = await client.listTags('klepaas-test', 'hello/world', { page: 1, pagesize: 10 });
    expect(tags).toMatchObject({ count: 1, results: [{ name: 'v1' }] });
    expect(fake.requests[0].target).toBe(
      '/ncp/ncr/api/v2/repositories/klepaas-test/hello%2Fworld/tags?page=1&pagesize=10',
    );
  });

  it('accepts a {result} wrapper too', async () => {
    fake.on('GET', '/api/v2/repositories/r/x/tags', ok({ count: 0, results: [] }));
    const client = new NcrManagementClient({
      endpoint: `${fake.url}/api/v2`,
      accessKey: ACCESS_KEY,
      secretKey: SECRET_KEY,
      http,
    });
    await expect(client.listTags('r', 'x')).resolves.toEqual({ count: 0, results: [] });
  });

  it('refuses a page or page size that is not positive', async () => {
    const client = new NcrManagementClient({ endpoint: fake.url, accessKey: ACCESS_KEY, secretKey: SECRET_KEY, http });
    await expect(client.listTags('r', 'x', { page: 0 })).rejects.toThrow(/positive/);
  });

  it('defaults to the KR management API base', () => {
    expect(new NcrManagementClient({ accessKey: ACCESS_KEY, secretKey: SECRET_KEY, http }).baseUrl).toBe(
      'https://ncr.apigw.ntruss.com/ncr/api/v2',
    );
  });
});
