import { pollUntil } from '@klepaas/testing';
import { createHash } from 'node:crypto';
import { startSandbox, RunningSandbox } from '../src/start-sandbox';
import {
  clientsFor,
  createBuildProject,
  DOCKERFILE,
  repositoryWith,
  SB,
  sandboxCall,
  unique,
} from './support/fixtures';
import { pushFiles } from './support/git';
import { NcpTestClient } from './support/ncp-test-client';

const MANIFEST_TYPES =
  'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json';

describe('SourceBuild builds and the registry they publish to', () => {
  let sandbox: RunningSandbox;
  let ncp: NcpTestClient;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, buildMs: 200 });
    ({ ncp } = clientsFor(sandbox));
  });
  afterAll(() => sandbox.close());

  async function buildOf(projectId: number, buildId: string): Promise<any> {
    const history = await ncp.ok('GET', `${SB}/project/${projectId}/history`);
    return history.history.find((b: any) => b.buildId === buildId);
  }

  async function buildToEnd(projectId: number, buildId: string): Promise<any> {
    return pollUntil(
      () => buildOf(projectId, buildId),
      (b) => ['success', 'fail', 'canceled'].includes(b?.status),
      { description: `build ${buildId} to end` },
    );
  }

  /** Runs the registry's token flow from its own challenge, as a docker client does. */
  async function tokenFor(
    challengeUrl: string,
    auth = `${sandbox.options.ncpAccessKey}:${sandbox.options.ncpSecretKey}`,
  ): Promise<{ status: number; token?: string }> {
    const challenge = await fetch(challengeUrl, { headers: { accept: MANIFEST_TYPES } });
    const header = challenge.headers.get('www-authenticate') ?? '';
    const params = Object.fromEntries([...header.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    const url = new URL(params.realm);
    url.searchParams.set('service', params.service);
    if (params.scope) url.searchParams.set('scope', params.scope);
    const response = await fetch(url, { headers: { authorization: `Basic ${Buffer.from(auth).toString('base64')}` } });
    const body = response.ok ? ((await response.json()) as { token: string }) : undefined;
    return { status: response.status, token: body?.token };
  }

  it('goes prepare → upload → success and publishes the image under its tag and latest', async () => {
    const repo = await repositoryWith(sandbox, { Dockerfile: DOCKERFILE, app: 'binary' });
    const image = unique('web');
    const project = await createBuildProject(sandbox, repo.name, image, 'v1');
    await sandboxCall(sandbox, 'PUT', '/_sandbox/timings', { projects: { [project.name]: { buildMs: 1000 } } });
    const started = await ncp.ok('POST', `${SB}/project/${project.id}/build`);
    expect(started).toEqual({ projectId: project.id, buildId: expect.stringMatching(/^[0-9a-f-]{36}$/) });

    const seen: string[] = [];
    const done = await pollUntil(
      async () => {
        const build = await buildOf(project.id, started.buildId);
        if (seen.at(-1) !== build.status) seen.push(build.status);
        return build;
      },
      (b) => b.status === 'success',
      { intervalMs: 20, description: 'build success' },
    );
    expect(seen).toEqual(['prepare', 'upload', 'success']);
    expect(done).toMatchObject({ failedPhase: null, begin: expect.any(Number), end: expect.any(Number) });
    expect((await ncp.ok('GET', `${SB}/project/${project.id}`)).lastBuild).toEqual({
      id: started.buildId,
      timestamp: done.begin,
      status: 'success',
    });

    const detail = (await sandboxCall(sandbox, 'GET', `/_sandbox/builds/${started.buildId}`)).body;
    expect(detail.sandbox).toMatchObject({
      commit: repo.head,
      images: [`127.0.0.1:${sandbox.port}/${image}:v1`, `127.0.0.1:${sandbox.port}/${image}:latest`],
    });

    const manifestUrl = `${sandbox.url}/v2/${image}/manifests/v1`;
    const { token } = await tokenFor(manifestUrl);
    const response = await fetch(manifestUrl, {
      headers: { authorization: `Bearer ${token}`, accept: MANIFEST_TYPES },
    });
    expect(response.status).toBe(200);
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(response.headers.get('docker-content-digest')).toBe(
      `sha256:${createHash('sha256').update(bytes).digest('hex')}`,
    );
    expect(response.headers.get('content-type')).toBe('application/vnd.docker.distribution.manifest.v2+json');
    const head = await fetch(`${sandbox.url}/v2/${image}/manifests/latest`, {
      method: 'HEAD',
      headers: { authorization: `Bearer ${token}`, accept: MANIFEST_TYPES },
    });
    expect(head.status).toBe(200);
    expect(head.headers.get('docker-content-digest')).toBe(response.headers.get('docker-content-digest'));

    const tags = await ncp.get(
      `/ncp/ncr/api/v2/repositories/${sandbox.options.registryName}/${encodeURIComponent(image)}/tags?page=1&pagesize=10`,
    );
    expect(tags.status).toBe(200);
    expect(tags.body).toMatchObject({ count: 2, next: null, previous: null });
    expect(tags.body.results.map((t: any) => t.name)).toEqual(['latest', 'v1']);
  });

  it('challenges for a Bearer token naming its realm, service and scope, and grants one for the NCP key pair only', async () => {
    const unauthenticated = await fetch(`${sandbox.url}/v2/some-image/manifests/v1`, {
      headers: { accept: MANIFEST_TYPES },
    });
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.headers.get('www-authenticate')).toBe(
      `Bearer realm="${sandbox.url}/ncp/ncr/token",service="${sandbox.options.registryName}",scope="repository:some-image:pull"`,
    );
    expect(((await unauthenticated.json()) as any).errors[0].code).toBe('UNAUTHORIZED');
    expect((await tokenFor(`${sandbox.url}/v2/`, 'wrong:credentials')).status).toBe(401);
    const { token } = await tokenFor(`${sandbox.url}/v2/`);
    const base = await fetch(`${sandbox.url}/v2/`, { headers: { authorization: `Bearer ${token}` } });
    expect(base.status).toBe(200);
    const otherScope = await fetch(`${sandbox.url}/v2/some-image/manifests/v1`, {
      headers: { authorization: `Bearer ${token}`, accept: MANIFEST_TYPES },
    });
    expect(otherScope.status).toBe(401);
    expect(otherScope.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
  });

  it('answers 404 for an image that was never built, and 400 when Accept names no v2 or OCI manifest type', async () => {
    const manifestUrl = `${sandbox.url}/v2/never-built/manifests/v1`;
    const { token } = await tokenFor(manifestUrl);
    const missing = await fetch(manifestUrl, { headers: { authorization: `Bearer ${token}`, accept: MANIFEST_TYPES } });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as any).errors[0].code).toBe('NAME_UNKNOWN');
    const noAccept = await fetch(manifestUrl, { headers: { authorization: `Bearer ${token}` } });
    expect(noAccept.status).toBe(400);
    expect(((await noAccept.json()) as any).errors[0].code).toBe('MANIFEST_INVALID');
    const tags = await ncp.get(`/ncp/ncr/api/v2/repositories/${sandbox.options.registryName}/never-built/tags`);
    expect(tags.status).toBe(404);
  });

  it('fails at failedPhase build when the branch head has no Dockerfile, and publishes nothing', async () => {
    const repo = await repositoryWith(sandbox, { 'README.md': '# no Dockerfile here\n' });
    const image = unique('nodockerfile');
    const project = await createBuildProject(sandbox, repo.name, image);
    const { buildId } = await ncp.ok('POST', `${SB}/project/${project.id}/build`);
    const build = await buildToEnd(project.id, buildId);
    expect(build).toMatchObject({ status: 'fail', failedPhase: 'build' });
    const detail = (await sandboxCall(sandbox, 'GET', `/_sandbox/builds/${buildId}`)).body;
    expect(detail.sandbox.reason).toMatch(/no Dockerfile/);
    const tags = await ncp.get(`/ncp/ncr/api/v2/repositories/${sandbox.options.registryName}/${image}/tags`);
    expect(tags.status).toBe(404);
  });

  it('ends a cancelled build as canceled, and refuses to cancel it twice', async () => {
    const repo = await repositoryWith(sandbox, { Dockerfile: DOCKERFILE });
    const project = await createBuildProject(sandbox, repo.name, unique('slow'));
    await sandboxCall(sandbox, 'PUT', '/_sandbox/timings', {
      projects: { [String(project.id)]: { buildMs: 600_000 } },
    });
    const { buildId } = await ncp.ok('POST', `${SB}/project/${project.id}/build`);
    expect((await buildOf(project.id, buildId)).status).toBe('prepare');
    const cancel = await ncp.request('DELETE', `${SB}/project/${project.id}/build`, { buildId });
    expect(cancel.body).toEqual({ result: { result: true } });
    expect(await buildOf(project.id, buildId)).toMatchObject({ status: 'canceled', end: expect.any(Number) });
    const again = await ncp.request('DELETE', `${SB}/project/${project.id}/build`, { buildId });
    expect(again.status).toBe(400);
  });

  it('builds the head of the branch at the time of the build', async () => {
    const repo = await repositoryWith(sandbox, { Dockerfile: DOCKERFILE });
    const project = await createBuildProject(sandbox, repo.name, unique('moving'));
    const newHead = await pushFiles(
      repo.url,
      clientsFor(sandbox).gitAuth,
      'main',
      { 'CHANGELOG.md': 'second\n' },
      'second commit',
    );
    const { buildId } = await ncp.ok('POST', `${SB}/project/${project.id}/build`);
    await buildToEnd(project.id, buildId);
    expect((await sandboxCall(sandbox, 'GET', `/_sandbox/builds/${buildId}`)).body.sandbox.commit).toBe(newHead);
  });
});
