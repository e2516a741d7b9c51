import { startSandbox, RunningSandbox } from '../src/start-sandbox';
import {
  buildProjectBody,
  clientsFor,
  createBuildProject,
  createDeployTarget,
  DOCKERFILE,
  repositoryWith,
  SB,
  SC,
  SD,
  SP,
  unique,
} from './support/fixtures';
import { NcpTestClient } from './support/ncp-test-client';

function expectBadRequest(response: { status: number; body: any }, detail: RegExp): void {
  expect(response.status).toBe(400);
  expect(response.body.error.errorCode).toBe('100');
  expect(response.body.error.details).toMatch(detail);
}

describe('create bodies are validated as NCP validates them', () => {
  let sandbox: RunningSandbox;
  let ncp: NcpTestClient;
  let repo: { name: string; url: string; head: string };

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
    ({ ncp } = clientsFor(sandbox));
    repo = await repositoryWith(sandbox, { Dockerfile: DOCKERFILE });
  });
  afterAll(() => sandbox.close());

  describe('SourceCommit', () => {
    it('creates a repository answering a bare true, then shows its smart-HTTP clone URL in git.https', async () => {
      const name = unique('created');
      expect((await ncp.post(`${SC}/repository`, { name, description: 'demo' })).body).toEqual({ result: true });
      const detail = await ncp.ok('GET', `${SC}/repository/${name}`);
      expect(detail).toMatchObject({ name, description: 'demo', git: { https: `${sandbox.url}/git/${name}.git` } });
      expect((await ncp.ok('GET', `${SC}/repository/id/${detail.id}`)).name).toBe(name);
    });

    it('refuses names with characters outside letters, digits, "-" and "_", and names over 100 characters', async () => {
      expectBadRequest(await ncp.post(`${SC}/repository`, { name: 'has space' }), /name/);
      expectBadRequest(await ncp.post(`${SC}/repository`, { name: 'x'.repeat(101) }), /name/);
      expectBadRequest(await ncp.post(`${SC}/repository`, {}), /name: required/);
    });

    it('answers a body that is not JSON with 400 and errorCode 100', async () => {
      expectBadRequest(await ncp.post(`${SC}/repository`, '{"name": '), /JSON/);
    });

    it('refuses a second repository with the same name', async () => {
      const response = await ncp.post(`${SC}/repository`, { name: repo.name });
      expect(response.status).toBe(400);
      expect(response.body.error.details).toMatch(/already exists/);
    });

    it('answers 404 with errorCode 300 for a repository that does not exist', async () => {
      const response = await ncp.get(`${SC}/repository/no-such-repo`);
      expect(response.status).toBe(404);
      expect(response.body.error.errorCode).toBe('300');
    });
  });

  describe('SourceBuild', () => {
    it('creates a project from a complete body and answers its id and name', async () => {
      const body = buildProjectBody(sandbox, repo.name, 'valid-image');
      const created = await ncp.ok('POST', `${SB}/project`, body);
      expect(created).toEqual({ id: expect.any(Number), name: body.name });
      const detail = await ncp.ok('GET', `${SB}/project/${created.id}`);
      expect(detail).toMatchObject({
        source: body.source,
        cmd: { dockerbuild: { image: 'valid-image', tag: 'v1' } },
        lastBuild: null,
      });
    });

    it('refuses a body without source or env', async () => {
      expectBadRequest(await ncp.post(`${SB}/project`, { name: unique('b') }), /source: required.*env: required/);
    });

    it('refuses a repository that does not exist in SourceCommit', async () => {
      expectBadRequest(
        await ncp.post(`${SB}/project`, buildProjectBody(sandbox, 'missing-repo', 'img')),
        /repository "missing-repo" does not exist/,
      );
    });

    it('refuses an image name with capitals or a slash, and a registry the account does not have', async () => {
      expectBadRequest(
        await ncp.post(`${SB}/project`, buildProjectBody(sandbox, repo.name, 'My/Image')),
        /cmd\.dockerbuild\.image/,
      );
      const body = buildProjectBody(sandbox, repo.name, 'img');
      body.cmd.dockerbuild.registry = 'someone-elses-registry';
      expectBadRequest(
        await ncp.post(`${SB}/project`, body),
        /Container Registry "someone-elses-registry" does not exist/,
      );
    });

    it('refuses a docker image build without the docker engine, and cmd without its three arrays', async () => {
      const noDocker = buildProjectBody(sandbox, repo.name, 'img');
      noDocker.env.docker.use = false;
      expectBadRequest(await ncp.post(`${SB}/project`, noDocker), /env\.docker\.use/);
      const noArrays = { ...buildProjectBody(sandbox, repo.name, 'img'), cmd: { dockerbuild: { use: false } } };
      expectBadRequest(await ncp.post(`${SB}/project`, noArrays), /cmd\.pre: required/);
    });

    it('refuses a compute type or runtime that the /env endpoints do not list', async () => {
      const body = buildProjectBody(sandbox, repo.name, 'img');
      body.env.compute.id = 99;
      body.env.platform.config.runtime.id = 42;
      expectBadRequest(await ncp.post(`${SB}/project`, body), /env\.compute\.id.*runtime\.id/);
    });

    it('patches one nested field (the image tag) and keeps the rest of the project', async () => {
      const created = await createBuildProject(sandbox, repo.name, 'patched-image', 'v1');
      const patched = await ncp.request('PATCH', `${SB}/project/${created.id}`, {
        cmd: { dockerbuild: { tag: 'abc1234' } },
      });
      expect(patched.status).toBe(200);
      const detail = await ncp.ok('GET', `${SB}/project/${created.id}`);
      expect(detail.cmd.dockerbuild).toMatchObject({ use: true, image: 'patched-image', tag: 'abc1234', latest: true });
      expectBadRequest(
        await ncp.request('PATCH', `${SB}/project/${created.id}`, { cmd: { dockerbuild: { tag: 'bad tag!' } } }),
        /tag/,
      );
    });
  });

  describe('SourceDeploy', () => {
    it('refuses a stage aimed at an NKS cluster that does not exist, or at a target type the sandbox has none of', async () => {
      const project = await ncp.ok('POST', `${SD}/project`, { name: unique('d') });
      expectBadRequest(
        await ncp.post(`${SD}/project/${project.id}/stage`, {
          name: 's',
          type: 'KubernetesService',
          config: { clusterUuid: 'no-such-cluster' },
        }),
        /NKS cluster/,
      );
      expectBadRequest(
        await ncp.post(`${SD}/project/${project.id}/stage`, { name: 's', type: 'KubernetesService', config: {} }),
        /clusterUuid/,
      );
      expectBadRequest(
        await ncp.post(`${SD}/project/${project.id}/stage`, { name: 's', type: 'Server', config: { serverNo: [1] } }),
        /Server/,
      );
      const byNumber = await ncp.post(`${SD}/project/${project.id}/stage`, {
        name: 'by-no',
        type: 'KubernetesService',
        config: { clusterNo: sandbox.options.nksClusterNo },
      });
      expect(byNumber.status).toBe(200);
    });

    it('refuses a scenario without a manifest, or one reading a repository that does not exist', async () => {
      const { projectId, stageId } = await createDeployTarget(sandbox, repo.name);
      const uri = `${SD}/project/${projectId}/stage/${stageId}/scenario`;
      expectBadRequest(
        await ncp.post(uri, { name: 'no-manifest', config: { strategy: 'normal' } }),
        /config\.manifest: required/,
      );
      const missingRepo = {
        name: 'bad-repo',
        config: {
          strategy: 'normal',
          manifest: { type: 'SourceCommit', repository: 'nope', branch: 'main', path: ['k8s/a.yaml'] },
        },
      };
      expectBadRequest(await ncp.post(uri, missingRepo), /repository "nope" does not exist/);
      expectBadRequest(await ncp.post(uri, { name: 'bad-strategy', config: { strategy: 'yolo' } }), /strategy/);
    });

    it('answers 404 when a stage is addressed under a project it does not belong to', async () => {
      const a = await createDeployTarget(sandbox, repo.name);
      const b = await createDeployTarget(sandbox, repo.name);
      const response = await ncp.get(`${SD}/project/${a.projectId}/stage/${b.stageId}`);
      expect(response.status).toBe(404);
    });
  });

  describe('SourcePipeline', () => {
    it('creates a pipeline whose tasks name real projects and answers its projectId', async () => {
      const build = await createBuildProject(sandbox, repo.name, 'pipe-img');
      const deploy = await createDeployTarget(sandbox, repo.name);
      const response = await ncp.post(`${SP}/project`, {
        name: unique('p'),
        tasks: [
          { name: 'build', type: 'SourceBuild', config: { projectId: build.id }, linkedTasks: [] },
          {
            name: 'deploy',
            type: 'SourceDeploy',
            config: { projectId: deploy.projectId, stageId: deploy.stageId, scenarioId: deploy.scenarioId },
            linkedTasks: ['build'],
          },
        ],
        trigger: {},
      });
      expect(response.status).toBe(200);
      expect(response.body.result).toEqual({ projectId: expect.any(Number) });
    });

    it('refuses tasks naming projects that do not exist, unknown linked tasks and cycles', async () => {
      const build = await createBuildProject(sandbox, repo.name, 'pipe-img2');
      expectBadRequest(
        await ncp.post(`${SP}/project`, {
          name: unique('p'),
          tasks: [{ name: 'build', type: 'SourceBuild', config: { projectId: 99999 }, linkedTasks: [] }],
        }),
        /SourceBuild project 99999 does not exist/,
      );
      expectBadRequest(
        await ncp.post(`${SP}/project`, {
          name: unique('p'),
          tasks: [{ name: 'build', type: 'SourceBuild', config: { projectId: build.id }, linkedTasks: ['ghost'] }],
        }),
        /no task named "ghost"/,
      );
      const cycle = [
        { name: 'a', type: 'SourceBuild', config: { projectId: build.id }, linkedTasks: ['b'] },
        { name: 'b', type: 'SourceBuild', config: { projectId: build.id }, linkedTasks: ['a'] },
      ];
      expectBadRequest(await ncp.post(`${SP}/project`, { name: unique('p'), tasks: cycle }), /cycle/);
      expectBadRequest(
        await ncp.post(`${SP}/project`, {
          name: unique('p'),
          tasks: [{ name: 'd', type: 'SourceDeploy', config: { projectId: 30001 }, linkedTasks: [] }],
        }),
        /stageId and scenarioId are required/,
      );
      expectBadRequest(await ncp.post(`${SP}/project`, { name: 'x'.repeat(31), tasks: [] }), /name.*tasks/);
    });
  });
});
