import { pollUntil } from '@klepaas/testing';
import { startSandbox, RunningSandbox } from '../src/start-sandbox';
import {
  clientsFor,
  createBuildProject,
  createDeployTarget,
  deploymentYaml,
  DOCKERFILE,
  repositoryWith,
  SB,
  SD,
  SP,
  sandboxCall,
  unique,
} from './support/fixtures';
import { pushFiles } from './support/git';
import { NcpTestClient } from './support/ncp-test-client';

describe('SourcePipeline runs its tasks in order through SourceBuild and SourceDeploy', () => {
  let sandbox: RunningSandbox;
  let ncp: NcpTestClient;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, buildMs: 50, deployMs: 50 });
    ({ ncp } = clientsFor(sandbox));
  });
  afterAll(() => sandbox.close());

  /** Repository + build project + deploy target + a pipeline "build then deploy". */
  async function pipelineFor(
    files: (image: string) => Record<string, string>,
    options: { triggerOnPush?: boolean } = {},
  ) {
    const imageName = unique('svc');
    const repo = await repositoryWith(sandbox, files(`127.0.0.1:${sandbox.port}/${imageName}:v1`));
    const build = await createBuildProject(sandbox, repo.name, imageName, 'v1');
    const deploy = await createDeployTarget(sandbox, repo.name);
    const { projectId } = await ncp.ok('POST', `${SP}/project`, {
      name: unique('pipe'),
      tasks: [
        { name: 'build', type: 'SourceBuild', config: { projectId: build.id }, linkedTasks: [] },
        {
          name: 'deploy',
          type: 'SourceDeploy',
          config: { projectId: deploy.projectId, stageId: deploy.stageId, scenarioId: deploy.scenarioId },
          linkedTasks: ['build'],
        },
      ],
      trigger: options.triggerOnPush ? { repository: [{ type: 'sourcecommit', name: repo.name, branch: 'main' }] } : {},
    });
    return { repo, build, deploy, pipelineId: projectId as number };
  }

  const runToEnd = (pipelineId: number, historyId: number) =>
    pollUntil(
      async () => (await ncp.ok('GET', `${SP}/project/${pipelineId}/history/${historyId}`)).history,
      (h) => h.status !== 'running',
      { description: `pipeline run ${historyId}` },
    );

  it('builds, then deploys, each task’s resultId naming the child build or deploy history', async () => {
    const name = unique('web');
    const { build, deploy, pipelineId } = await pipelineFor((image) => ({
      Dockerfile: DOCKERFILE,
      'k8s/deployment.yaml': deploymentYaml(name, image, 2),
    }));
    const { historyId } = await ncp.ok('POST', `${SP}/project/${pipelineId}/do`);
    const run = await runToEnd(pipelineId, historyId);
    expect(run).toMatchObject({ id: historyId, projectId: pipelineId, status: 'success', end: expect.any(Number) });
    const [buildTask, deployTask] = run.tasks;
    expect(buildTask).toMatchObject({ name: 'build', type: 'SourceBuild', status: 'success', linkedTasks: [] });
    expect(deployTask).toMatchObject({
      name: 'deploy',
      type: 'SourceDeploy',
      status: 'success',
      linkedTasks: ['build'],
    });

    const builds = (await ncp.ok('GET', `${SB}/project/${build.id}/history`)).history;
    expect(builds).toEqual([expect.objectContaining({ buildId: buildTask.resultId, status: 'success' })]);
    const deployHistory = await ncp.ok('GET', `${SD}/project/${deploy.projectId}/history/${deployTask.resultId}`);
    expect(deployHistory).toMatchObject({ status: 'success' });
    expect(deployHistory.startTime).toBeGreaterThanOrEqual(builds[0].end);
    const running = (await sandboxCall(sandbox, 'GET', `/_sandbox/cluster/team-a/deployments/${name}`)).body;
    expect(running).toMatchObject({ replicas: 2, sourceDeployHistoryId: Number(deployTask.resultId) });

    const list = await ncp.ok('GET', `${SP}/project/${pipelineId}/history`);
    expect(list.historyList).toEqual([
      expect.objectContaining({ id: historyId, requestType: 'console', status: 'success' }),
    ]);
  });

  it('fails the run and skips the deploy when the build fails', async () => {
    const { pipelineId } = await pipelineFor(() => ({ 'k8s/deployment.yaml': deploymentYaml('x', 'nginx:1') }));
    const { historyId } = await ncp.ok('POST', `${SP}/project/${pipelineId}/do`);
    const run = await runToEnd(pipelineId, historyId);
    expect(run.status).toBe('fail');
    expect(run.tasks.map((t: any) => [t.name, t.status])).toEqual([
      ['build', 'fail'],
      ['deploy', 'skipped'],
    ]);
    expect(run.tasks[1].resultId).toBeNull();
  });

  it('cancels the running build when the run is cancelled', async () => {
    const { build, pipelineId } = await pipelineFor((image) => ({
      Dockerfile: DOCKERFILE,
      'k8s/deployment.yaml': deploymentYaml('y', image),
    }));
    await sandboxCall(sandbox, 'PUT', '/_sandbox/timings', { projects: { [build.name]: { buildMs: 600_000 } } });
    const { historyId } = await ncp.ok('POST', `${SP}/project/${pipelineId}/do`);
    const running = await pollUntil(
      async () => (await ncp.ok('GET', `${SP}/project/${pipelineId}/history/${historyId}`)).history,
      (h) => h.tasks[0].resultId !== null,
    );
    expect(await ncp.ok('POST', `${SP}/project/${pipelineId}/history/${historyId}/cancel`)).toBe(true);
    const run = (await ncp.ok('GET', `${SP}/project/${pipelineId}/history/${historyId}`)).history;
    expect(run.status).toBe('canceled');
    expect(run.tasks.map((t: any) => t.status)).toEqual(['canceled', 'canceled']);
    const builds = (await ncp.ok('GET', `${SB}/project/${build.id}/history`)).history;
    expect(builds).toEqual([expect.objectContaining({ buildId: running.tasks[0].resultId, status: 'canceled' })]);
  });

  it('starts by itself on a push to the branch its repository trigger names', async () => {
    const files = (image: string) => ({
      Dockerfile: DOCKERFILE,
      'k8s/deployment.yaml': deploymentYaml(unique('t'), image),
    });
    const { repo, pipelineId } = await pipelineFor(files, { triggerOnPush: true });
    await pushFiles(repo.url, clientsFor(sandbox).gitAuth, 'main', { 'CHANGELOG.md': 'pushed\n' });
    const list = await pollUntil(
      async () => (await ncp.ok('GET', `${SP}/project/${pipelineId}/history`)).historyList,
      (l) => l.length === 1,
      { description: 'a triggered run' },
    );
    expect(list[0]).toMatchObject({ requestType: 'trigger' });
    await runToEnd(pipelineId, list[0].id);
  });
});
