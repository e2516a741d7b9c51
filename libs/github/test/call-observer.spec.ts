import { GithubCallObservation, githubOperationOf } from '@klepaas/github';
import { GithubHttp } from '../src/http';
import { FakeGithub } from './support/fake-github';

const TOKEN = 'ghs_unitTestToken0123456789abcdefghijkl';

describe('GitHub call observations (metrics)', () => {
  let fake: FakeGithub;

  beforeEach(async () => {
    fake = await FakeGithub.start();
  });

  afterEach(async () => {
    await fake.close();
  });

  it('reports every answer (each attempt counts against the limit) with the rate limit GitHub sent', async () => {
    const seen: GithubCallObservation[] = [];
    const http = new GithubHttp({
      apiUrl: fake.url,
      retry: { attempts: 3, baseDelayMs: 1 },
      sleep: async () => undefined,
      onCall: (o) => seen.push(o),
    });
    fake.on(
      'GET',
      '/repos/alice/shop/commits/main',
      { status: 502 },
      {
        json: { sha: 'a'.repeat(40) },
        headers: { 'x-ratelimit-remaining': '4998', 'x-ratelimit-resource': 'core' },
      },
    );
    await http.send({ method: 'GET', path: '/repos/alice/shop/commits/main?per_page=1', token: TOKEN });
    await http.close();
    expect(seen).toEqual([
      { operation: 'GET /repos/:x/:x/commits/:x', status: 502 },
      { operation: 'GET /repos/:x/:x/commits/:x', status: 200, rateLimitRemaining: 4998, rateLimitResource: 'core' },
    ]);
  });

  it('never lets a failing observer fail the call', async () => {
    const http = new GithubHttp({
      apiUrl: fake.url,
      onCall: () => {
        throw new Error('metrics broke');
      },
    });
    fake.on('GET', '/repos/alice/shop', { json: { id: 1 } });
    await expect(http.send({ method: 'GET', path: '/repos/alice/shop', token: TOKEN })).resolves.toMatchObject({
      status: 200,
    });
    await http.close();
  });

  it('keeps owners, names, ids and refs out of the operation', () => {
    expect(githubOperationOf('POST', '/app/installations/77/access_tokens')).toBe(
      'POST /app/installations/:x/access_tokens',
    );
    expect(githubOperationOf('GET', '/repos/acme/app/collaborators/bob/permission')).toBe(
      'GET /repos/:x/:x/collaborators/:x/permission',
    );
    expect(githubOperationOf('GET', '/repos/git/commits/commits/main/status')).toBe(
      'GET /repos/:x/:x/commits/:x/status',
    );
    expect(githubOperationOf('POST', '/repos/a/b/deployments/12/statuses')).toBe(
      'POST /repos/:x/:x/deployments/:x/statuses',
    );
    expect(githubOperationOf('GET', '/repos/a/b/git/refs/heads/main')).toBe('GET /repos/:x/:x/git/refs/heads/:x');
  });
});
