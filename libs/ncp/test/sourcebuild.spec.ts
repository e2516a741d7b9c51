import {
  BUILD_FAILED_PHASES,
  BUILD_STATUSES,
  isBuildStatus,
  isSuccessfulBuildStatus,
  isTerminalBuildStatus,
  NcpHttp,
  NcpUnexpectedResponseError,
  SourceBuildClient,
  withDockerImageTag,
  type CreateBuildProjectRequest,
} from '@klepaas/ncp';
import type { FakeHttpServer } from './support/fake-http-server';
import { ACCESS_KEY, NO_WAIT, ok, SECRET_KEY, startNcpFake } from './support/ncp-fake';

const BASE = '/ncp/sourcebuild/api/v1';

const spec: CreateBuildProjectRequest = {
  name: 'owner-repo',
  source: { type: 'SourceCommit', config: { repository: 'owner-repo', branch: 'main' } },
  env: {
    compute: { id: 1 },
    platform: { type: 'SourceBuild', config: { os: { id: 1 }, runtime: { id: 2, version: { id: 3 } } } },
    docker: { use: true, id: 4 },
  },
  cmd: {
    pre: [],
    build: [],
    post: [],
    dockerbuild: {
      use: true,
      dockerfile: 'Dockerfile',
      registry: 'klepaas-test',
      image: 'owner-repo',
      tag: 'latest',
      latest: false,
    },
  },
};

describe('SourceBuildClient', () => {
  let fake: FakeHttpServer;
  let http: NcpHttp;
  let client: SourceBuildClient;

  beforeEach(async () => {
    fake = await startNcpFake();
    http = new NcpHttp(NO_WAIT);
    client = new SourceBuildClient({
      endpoint: `${fake.url}/ncp/sourcebuild/`,
      accessKey: ACCESS_KEY,
      secretKey: SECRET_KEY,
      region: 'KR',
      http,
    });
  });

  afterEach(async () => {
    await http.close();
    await fake.close();
  });

  it('lists projects with the paging and name filter in the signed query', async () => {
    fake.on('GET', `${BASE}/project`, ok({ total: 1, project: [{ id: 3, name: 'owner-repo' }] }));
    await expect(client.listProjects({ pageNo: 0, pageSize: 10, projectName: 'owner-repo' })).resolves.toEqual([
      { id: 3, name: 'owner-repo' },
    ]);
    expect(fake.requests[0].target).toBe(`${BASE}/project?pageNo=0&pageSize=10&projectName=owner-repo`);
  });

  it('finds a project by its exact name, not by a name containing it', async () => {
    fake.on(
      'GET',
      `${BASE}/project`,
      ok({
        total: 2,
        project: [
          { id: 1, name: 'owner-repo-2' },
          { id: 2, name: 'owner-repo' },
        ],
      }),
    );
    await expect(client.findProjectByName('owner-repo')).resolves.toEqual({ id: 2, name: 'owner-repo' });
    await expect(client.findProjectByName('owner')).resolves.toBeUndefined();
  });

  it('creates a project with POST /project and returns {id, name}', async () => {
    fake.on('POST', `${BASE}/project`, ok({ id: 3, name: 'owner-repo' }));
    await expect(client.createProject(spec)).resolves.toEqual({ id: 3, name: 'owner-repo' });
    expect(fake.requests[0].json).toEqual(spec);
  });

  it('refuses a create answer without an id rather than returning undefined', async () => {
    fake.on('POST', `${BASE}/project`, ok({}));
    await expect(client.createProject(spec)).rejects.toBeInstanceOf(NcpUnexpectedResponseError);
  });

  it('reads, patches and deletes a project on /project/{id}', async () => {
    fake.on('GET', `${BASE}/project/3`, ok({ id: 3, name: 'owner-repo', lastBuild: { status: 'success' } }));
    fake.on('PATCH', `${BASE}/project/3`, ok({ id: 3, name: 'owner-repo' }));
    fake.on('DELETE', `${BASE}/project/3`, ok(true));
    await expect(client.getProject(3)).resolves.toMatchObject({ lastBuild: { status: 'success' } });
    await client.updateProject(3, { description: 'd' });
    await client.deleteProject(3);
    expect(fake.requests.map((r) => r.method)).toEqual(['GET', 'PATCH', 'DELETE']);
    expect(fake.requests[1].json).toEqual({ description: 'd' });
  });

  it('ensureBuildProject finds by name before creating, and creates when missing', async () => {
    fake.on('GET', `${BASE}/project`, ok({ project: [{ id: 8, name: 'owner-repo' }] }));
    await expect(client.ensureBuildProject(spec)).resolves.toBe(8);
    fake.on('GET', `${BASE}/project`, ok({ project: [] }));
    fake.on('POST', `${BASE}/project`, ok({ id: 9, name: 'owner-repo' }));
    await expect(client.ensureBuildProject(spec)).resolves.toBe(9);
    expect(fake.requestsTo('POST', `${BASE}/project`)).toHaveLength(1);
  });

  it('ensureBuildProject takes a conflicting create as success when the project now exists', async () => {
    fake.sequence('GET', `${BASE}/project`, [ok({ project: [] }), ok({ project: [{ id: 10, name: 'owner-repo' }] })]);
    fake.on('POST', `${BASE}/project`, { status: 409, json: { error: { errorCode: 'DUPLICATE', message: 'exists' } } });
    await expect(client.ensureBuildProject(spec)).resolves.toBe(10);
  });

  it('starts a build with no body and returns its buildId', async () => {
    fake.on('POST', `${BASE}/project/3/build`, ok({ projectId: 3, buildId: '8f1c-uuid' }));
    await expect(client.startBuild(3)).resolves.toEqual({ buildId: '8f1c-uuid', projectId: 3 });
    expect(fake.requests[0].body).toBe('');
  });

  it("accepts the SDK's {id, buildId} answer shape for a started build", async () => {
    fake.on('POST', `${BASE}/project/3/build`, ok({ id: 3, buildId: 'b-2' }));
    await expect(client.startBuild(3)).resolves.toEqual({ buildId: 'b-2', projectId: 3 });
  });

  it('patches the image tag onto cmd.dockerbuild, keeping the rest of cmd, before the build starts', async () => {
    fake.on(
      'GET',
      `${BASE}/project/3`,
      ok({
        id: 3,
        name: 'owner-repo',
        cmd: {
          build: ['make'],
          dockerbuild: { use: true, registry: 'klepaas-test', image: 'owner-repo', tag: 'old', latest: false },
        },
      }),
    );
    fake.on('PATCH', `${BASE}/project/3`, ok({ id: 3, name: 'owner-repo' }));
    fake.on('POST', `${BASE}/project/3/build`, ok({ projectId: 3, buildId: 'b-3' }));
    await expect(client.startBuildWithImageTag(3, 'abc1234')).resolves.toEqual({ buildId: 'b-3', projectId: 3 });
    expect(fake.requests.map((r) => r.method)).toEqual(['GET', 'PATCH', 'POST']);
    expect(fake.requests[1].json).toEqual({
      cmd: {
        pre: [],
        build: ['make'],
        post: [],
        dockerbuild: { use: true, registry: 'klepaas-test', image: 'owner-repo', tag: 'abc1234', latest: false },
      },
    });
  });

  it('refuses an image tag that SourceBuild would reject, before any call', async () => {
    await expect(client.setDockerImageTag(3, 'bad tag!')).rejects.toThrow(/invalid docker image tag/);
    expect(() => withDockerImageTag({ dockerbuild: { use: false } }, 'v1')).toThrow(/no docker build/);
  });

  it('cancels a build with DELETE /project/{id}/build and the buildId in the body', async () => {
    fake.on('DELETE', `${BASE}/project/3/build`, ok({ result: true }));
    await client.cancelBuild(3, 'b-3');
    expect(fake.requests[0].json).toEqual({ buildId: 'b-3' });
  });

  it('finds a build in the project history by its id', async () => {
    const history = [
      { projectId: 3, buildId: 'b-1', begin: 1, end: 2, status: 'success', failedPhase: null },
      { projectId: 3, buildId: 'b-2', begin: 3, end: 4, status: 'fail', failedPhase: 'build' },
    ];
    fake.on('GET', `${BASE}/project/3/history`, ok({ total: 2, history }));
    await expect(client.findBuild(3, 'b-2')).resolves.toMatchObject({ status: 'fail', failedPhase: 'build' });
    await expect(client.findBuild(3, 'b-9')).resolves.toBeUndefined();
  });

  it('discovers build environments through /env and the registries SourceBuild can push to', async () => {
    fake.on('GET', `${BASE}/env/compute`, ok({ compute: [{ id: 1, cpu: 2, mem: 4 }] }));
    fake.on('GET', `${BASE}/env/os`, ok({ os: [{ id: 1, name: 'ubuntu', version: '16.04', archi: 'x64' }] }));
    fake.on('GET', `${BASE}/env/os/1/runtime`, ok({ runtime: [{ id: 2, name: 'base' }] }));
    fake.on('GET', `${BASE}/env/os/1/runtime/2/version`, ok({ version: [{ id: 3, name: '16.04-1.0.0' }] }));
    fake.on('GET', `${BASE}/env/docker`, ok({ docker: [{ id: 4, name: 'Docker:18.09.1' }] }));
    fake.on(
      'GET',
      `${BASE}/containerregistry/registry`,
      ok({ registry: [{ name: 'klepaas-test', status: 'Running' }] }),
    );
    await expect(client.listComputeTypes()).resolves.toEqual([{ id: 1, cpu: 2, mem: 4 }]);
    await expect(client.listOs()).resolves.toHaveLength(1);
    await expect(client.listRuntimes(1)).resolves.toEqual([{ id: 2, name: 'base' }]);
    await expect(client.listRuntimeVersions(1, 2)).resolves.toEqual([{ id: 3, name: '16.04-1.0.0' }]);
    await expect(client.listDockerEngines()).resolves.toEqual([{ id: 4, name: 'Docker:18.09.1' }]);
    await expect(client.listRegistries()).resolves.toEqual([{ name: 'klepaas-test', status: 'Running' }]);
  });
});

describe('SourceBuild status values', () => {
  it('are exactly the documented ones', () => {
    expect(BUILD_STATUSES).toEqual(['prepare', 'upload', 'success', 'fail', 'canceled']);
    expect(BUILD_FAILED_PHASES).toEqual([
      'prepare',
      'build',
      'pre-build',
      'post-build',
      'upload',
      'canceling',
      'timeout',
    ]);
    expect(isBuildStatus('succeeded')).toBe(false);
  });

  it('end a build at success, fail and canceled only', () => {
    expect(BUILD_STATUSES.filter(isTerminalBuildStatus)).toEqual(['success', 'fail', 'canceled']);
    expect(isTerminalBuildStatus(null)).toBe(false);
    expect(isTerminalBuildStatus('cancelled')).toBe(false);
    expect(isSuccessfulBuildStatus('success')).toBe(true);
    expect(isSuccessfulBuildStatus('fail')).toBe(false);
  });
});
