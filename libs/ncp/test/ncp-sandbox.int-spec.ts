import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  buildThenDeployPipeline,
  createNcpClients,
  isSuccessfulBuildStatus,
  isTerminalBuildStatus,
  isTerminalDeployStatus,
  kubernetesScenario,
  kubernetesStage,
  NcpApiError,
  sameDeployHistoryId,
  SourceBuildClient,
  type CreateBuildProjectRequest,
  type NcpClients,
} from '@klepaas/ncp';
import { pollUntil } from '@klepaas/testing';
import { startSandbox, type RunningSandbox } from '../../../apps/sandbox/src/start-sandbox';

const run = promisify(execFile);

/**
 * Contract test: every client call against the sandbox, which serves docs/ncp.md's paths under
 * /ncp/* prefixes and checks signature v2 on the full prefixed path. The calls depend on each
 * other (a build needs a repository with a Dockerfile, a deploy needs the built image), so the
 * steps run in order over shared ids.
 *
 * Not exercised because the sandbox does not serve them yet: `updateStage`
 * (PATCH …/stage/{id}) and `requestDeploy` (…/deploy/request).
 */
describe('NCP clients against the sandbox', () => {
  let sandbox: RunningSandbox;
  let ncp: NcpClients;
  let workDir: string;
  const name = `ncp-int-${Date.now().toString(36)}`;
  const image = name;
  const tag = 'abc1234';
  const ids = { repository: 0, build: 0, deploy: 0, stage: 0, scenario: 0, pipeline: 0 };

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, buildMs: 800, deployMs: 800, logger: false });
    const base = sandbox.url;
    ncp = createNcpClients({
      accessKey: sandbox.options.ncpAccessKey,
      secretKey: sandbox.options.ncpSecretKey,
      region: 'KR',
      endpoints: {
        sourceCommit: `${base}/ncp/sourcecommit`,
        sourceBuild: `${base}/ncp/sourcebuild`,
        sourceDeploy: `${base}/ncp/sourcedeploy`,
        sourcePipeline: `${base}/ncp/sourcepipeline`,
        containerRegistryApi: `${base}/ncp/ncr/api/v2`,
      },
      registryUrl: base,
      http: { retry: { attempts: 3, baseDelayMs: 20 } },
    });
    workDir = await mkdtemp(join(tmpdir(), 'ncp-int-'));
  });

  afterAll(async () => {
    await ncp?.close();
    await sandbox?.close();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('refuses a call signed with the wrong secret with the gateway 401 and errorCode 200', async () => {
    const wrong = new SourceBuildClient({
      endpoint: `${sandbox.url}/ncp/sourcebuild`,
      accessKey: sandbox.options.ncpAccessKey,
      secretKey: 'not-the-secret',
    });
    const error = await wrong.listOs().catch((e: unknown) => e);
    await wrong.close();
    expect(error).toBeInstanceOf(NcpApiError);
    expect(error).toMatchObject({ status: 401, errorCode: '200', attempts: 1 });
  });

  it('ensures a SourceCommit repository, reads it back by name and id, and changes it', async () => {
    ids.repository = await ncp.sourceCommit.ensureRepository(name, { description: 'contract test' });
    await expect(ncp.sourceCommit.ensureRepository(name)).resolves.toBe(ids.repository);
    expect((await ncp.sourceCommit.listRepositories()).map((r) => r.name)).toContain(name);
    const detail = await ncp.sourceCommit.getRepository(name);
    expect(detail).toMatchObject({ id: ids.repository, name });
    expect(detail.git?.https).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/.*\.git$/);
    await ncp.sourceCommit.updateRepository(ids.repository, { description: 'changed' });
    await expect(ncp.sourceCommit.getRepositoryById(ids.repository)).resolves.toMatchObject({ description: 'changed' });
  });

  it('gets a 4xx for a duplicate repository create, which ensureRepository absorbs', async () => {
    const error = await ncp.sourceCommit.createRepository({ name }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NcpApiError);
    expect((error as NcpApiError).isClientError).toBe(true);
  });

  it('pushes a Dockerfile and a manifest to the repository over git', async () => {
    const detail = await ncp.sourceCommit.getRepository(name);
    const registryHost = new URL(sandbox.url).host;
    await mkdir(join(workDir, 'k8s'), { recursive: true });
    await writeFile(join(workDir, 'Dockerfile'), 'FROM scratch\n');
    await writeFile(join(workDir, 'k8s/deployment.yaml'), deployment(name, `${registryHost}/${image}:${tag}`));
    const auth = Buffer.from(
      `${sandbox.options.sourceCommitUsername}:${sandbox.options.sourceCommitPassword}`,
    ).toString('base64');
    const git = (...args: string[]) =>
      run('git', args, { cwd: workDir, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
    await git('init', '-q', '-b', 'main');
    await git('add', '.');
    await git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'app');
    await git('-c', `http.extraHeader=Authorization: Basic ${auth}`, 'push', '-q', detail.git!.https!, 'HEAD:main');
  });

  it('discovers the SourceBuild environment and the registries it can push to', async () => {
    const [compute] = await ncp.sourceBuild.listComputeTypes();
    const [os] = await ncp.sourceBuild.listOs();
    const [runtime] = await ncp.sourceBuild.listRuntimes(os.id);
    const [version] = await ncp.sourceBuild.listRuntimeVersions(os.id, runtime.id);
    const [docker] = await ncp.sourceBuild.listDockerEngines();
    expect([compute.id, os.id, runtime.id, version.id, docker.id].every(Number.isInteger)).toBe(true);
    expect((await ncp.sourceBuild.listRegistries()).map((r) => r.name)).toContain(sandbox.options.registryName);
  });

  it('ensures a build project, patches its image tag and follows the build to success', async () => {
    const spec = await buildSpec();
    ids.build = await ncp.sourceBuild.ensureBuildProject(spec);
    await expect(ncp.sourceBuild.ensureBuildProject(spec)).resolves.toBe(ids.build);
    await expect(ncp.sourceBuild.findProjectByName(name)).resolves.toMatchObject({ id: ids.build });
    expect((await ncp.sourceBuild.listProjects({ projectName: name })).map((p) => p.id)).toContain(ids.build);
    await ncp.sourceBuild.updateProject(ids.build, { description: 'changed' });

    const { buildId } = await ncp.sourceBuild.startBuildWithImageTag(ids.build, tag);
    expect((await ncp.sourceBuild.getProject(ids.build)).cmd?.dockerbuild?.tag).toBe(tag);
    const done = await pollUntil(
      () => ncp.sourceBuild.findBuild(ids.build, buildId),
      (b) => isTerminalBuildStatus(b?.status),
      { description: `build ${buildId} to end` },
    );
    expect(isSuccessfulBuildStatus(done?.status)).toBe(true);
    expect(done?.failedPhase).toBeNull();
  });

  it('sees the built image in the registry and in the NCR management API', async () => {
    await expect(ncp.registry!.manifestExists(image, tag)).resolves.toBe(true);
    await expect(ncp.registry!.manifestExists(image, 'never-built')).resolves.toBe(false);
    const tags = await ncp.ncr.listTags(sandbox.options.registryName, image, { page: 1, pagesize: 10 });
    expect(tags.results.map((t) => t.name)).toContain(tag);
  });

  it('cancels a running build', async () => {
    const { buildId } = await ncp.sourceBuild.startBuild(ids.build);
    await ncp.sourceBuild.cancelBuild(ids.build, buildId);
    const build = await pollUntil(
      () => ncp.sourceBuild.findBuild(ids.build, buildId),
      (b) => isTerminalBuildStatus(b?.status),
    );
    expect(build?.status).toBe('canceled');
  });

  it('ensures a deploy project, a KubernetesService stage in either cluster form, and a rolling scenario', async () => {
    ids.deploy = await ncp.sourceDeploy.ensureDeployProject(name);
    await expect(ncp.sourceDeploy.ensureDeployProject(name)).resolves.toBe(ids.deploy);
    expect((await ncp.sourceDeploy.listProjects()).map((p) => p.id)).toContain(ids.deploy);
    const clusters = await ncp.sourceDeploy.listClusters();
    expect(clusters.map((c) => c.id)).toContain(sandbox.options.nksClusterNo);

    ids.stage = await ncp.sourceDeploy.ensureStage(
      ids.deploy,
      kubernetesStage('production', { clusterUuid: sandbox.options.nksClusterUuid }),
    );
    const byNumber = await ncp.sourceDeploy.createStage(
      ids.deploy,
      kubernetesStage('by-number', { clusterNo: sandbox.options.nksClusterNo }),
    );
    await expect(ncp.sourceDeploy.getStage(ids.deploy, ids.stage)).resolves.toMatchObject({
      name: 'production',
      type: 'KubernetesService',
    });
    expect((await ncp.sourceDeploy.listStages(ids.deploy)).map((s) => s.name).sort()).toEqual([
      'by-number',
      'production',
    ]);
    await ncp.sourceDeploy.deleteStage(ids.deploy, byNumber.id);

    const scenario = kubernetesScenario({
      name: 'deploy',
      repository: name,
      branch: 'main',
      paths: ['k8s/deployment.yaml'],
    });
    ids.scenario = await ncp.sourceDeploy.ensureScenario(ids.deploy, ids.stage, scenario);
    await expect(ncp.sourceDeploy.ensureScenario(ids.deploy, ids.stage, scenario)).resolves.toBe(ids.scenario);
    expect((await ncp.sourceDeploy.listScenarios(ids.deploy, ids.stage)).map((s) => s.id)).toEqual([ids.scenario]);
    await ncp.sourceDeploy.updateScenario(ids.deploy, ids.stage, ids.scenario, { description: 'changed' });
    await expect(ncp.sourceDeploy.getScenario(ids.deploy, ids.stage, ids.scenario)).resolves.toMatchObject({
      description: 'changed',
      config: { strategy: 'rolling', manifest: { repository: name, path: ['k8s/deployment.yaml'] } },
    });
  });

  it('deploys the manifest and follows the deployment to success', async () => {
    const historyId = await ncp.sourceDeploy.startDeploy(ids.deploy, ids.stage, ids.scenario);
    const done = await pollUntil(
      () => ncp.sourceDeploy.getDeployHistory(ids.deploy, historyId),
      (h) => isTerminalDeployStatus(h.status),
      { description: `deploy ${historyId} to end` },
    );
    expect(done.status).toBe('success');
    const listed = await ncp.sourceDeploy.listDeployHistory(ids.deploy, { pageNo: 1, pageSize: 10 });
    expect(listed.some((h) => sameDeployHistoryId(h.id, historyId))).toBe(true);
  });

  it('cancels a running deployment', async () => {
    const historyId = await ncp.sourceDeploy.startDeploy(ids.deploy, ids.stage, ids.scenario);
    await ncp.sourceDeploy.cancelDeploy(ids.deploy, historyId);
    const done = await pollUntil(
      () => ncp.sourceDeploy.getDeployHistory(ids.deploy, historyId),
      (h) => isTerminalDeployStatus(h.status),
    );
    expect(done.status).toBe('canceled');
  });

  it('ensures a build-then-deploy pipeline, runs it to its end and reads the run', async () => {
    const pipeline = buildThenDeployPipeline({
      name,
      buildProjectId: ids.build,
      deployProjectId: ids.deploy,
      stageId: ids.stage,
      scenarioId: ids.scenario,
    });
    ids.pipeline = await ncp.sourcePipeline.ensurePipeline(pipeline);
    await expect(ncp.sourcePipeline.ensurePipeline(pipeline)).resolves.toBe(ids.pipeline);
    expect((await ncp.sourcePipeline.listPipelines()).map((p) => p.id)).toContain(ids.pipeline);
    await ncp.sourcePipeline.updatePipeline(ids.pipeline, { description: 'changed', tasks: pipeline.tasks });
    await expect(ncp.sourcePipeline.getPipeline(ids.pipeline)).resolves.toMatchObject({
      description: 'changed',
      trigger: {},
    });

    const historyId = await ncp.sourcePipeline.runPipeline(ids.pipeline);
    // Pipeline statuses are not documented (docs/ncp.md, api §6.3); the sandbox says `running` until the end.
    const done = await pollUntil(
      () => ncp.sourcePipeline.getPipelineHistory(ids.pipeline, historyId),
      (h) => h.status !== 'running',
      { description: `pipeline run ${historyId} to end`, timeoutMs: 30_000 },
    );
    expect(done.status).toBe('success');
    expect(done.tasks.map((t) => [t.name, t.status])).toEqual([
      ['build', 'success'],
      ['deploy', 'success'],
    ]);
    expect(done.tasks.every((t) => t.resultId)).toBe(true);
    expect((await ncp.sourcePipeline.listPipelineHistory(ids.pipeline)).map((h) => h.id)).toContain(historyId);
    await expect(
      ncp.sourcePipeline.listPipelineHistory(ids.pipeline, { pageNo: 1, pageSize: 1 }),
    ).resolves.toHaveLength(1);
  });

  it('cancels a pipeline run', async () => {
    const historyId = await ncp.sourcePipeline.runPipeline(ids.pipeline);
    await ncp.sourcePipeline.cancelPipelineRun(ids.pipeline, historyId);
    const done = await pollUntil(
      () => ncp.sourcePipeline.getPipelineHistory(ids.pipeline, historyId),
      (h) => h.status !== 'running',
    );
    expect(done.status).toBe('canceled');
  });

  it('deletes everything it made, and the lookups then find nothing', async () => {
    await ncp.sourcePipeline.deletePipeline(ids.pipeline);
    await ncp.sourceDeploy.deleteScenario(ids.deploy, ids.stage, ids.scenario);
    await ncp.sourceDeploy.deleteStage(ids.deploy, ids.stage);
    await ncp.sourceDeploy.deleteProject(ids.deploy);
    await ncp.sourceBuild.deleteProject(ids.build);
    await ncp.sourceCommit.deleteRepository(ids.repository);
    await expect(ncp.sourcePipeline.findPipelineByName(name)).resolves.toBeUndefined();
    await expect(ncp.sourceDeploy.findProjectByName(name)).resolves.toBeUndefined();
    await expect(ncp.sourceBuild.findProjectByName(name)).resolves.toBeUndefined();
    await expect(ncp.sourceCommit.findRepository(name)).resolves.toBeUndefined();
  });

  async function buildSpec(): Promise<CreateBuildProjectRequest> {
    const [compute] = await ncp.sourceBuild.listComputeTypes();
    const [os] = await ncp.sourceBuild.listOs();
    const [runtime] = await ncp.sourceBuild.listRuntimes(os.id);
    const [version] = await ncp.sourceBuild.listRuntimeVersions(os.id, runtime.id);
    const [docker] = await ncp.sourceBuild.listDockerEngines();
    return {
      name,
      source: { type: 'SourceCommit', config: { repository: name, branch: 'main' } },
      env: {
        compute: { id: compute.id },
        platform: {
          type: 'SourceBuild',
          config: { os: { id: os.id }, runtime: { id: runtime.id, version: { id: version.id } } },
        },
        docker: { use: true, id: docker.id },
      },
      cmd: {
        pre: [],
        build: [],
        post: [],
        dockerbuild: {
          use: true,
          dockerfile: 'Dockerfile',
          registry: sandbox.options.registryName,
          image,
          tag: 'latest',
          latest: false,
        },
      },
    };
  }
});

function deployment(app: string, imageRef: string): string {
  return [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    `  name: ${app}`,
    'spec:',
    '  replicas: 1',
    '  selector:',
    `    matchLabels: { app: ${app} }`,
    '  template:',
    `    metadata: { labels: { app: ${app} } }`,
    '    spec:',
    '      containers:',
    `        - name: app`,
    `          image: ${imageRef}`,
    '',
  ].join('\n');
}
