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
  sandboxCall,
  unique,
} from './support/fixtures';
import { NcpTestClient } from './support/ncp-test-client';

describe('faults on demand through /_sandbox/faults, and configurable durations', () => {
  let sandbox: RunningSandbox;
  let ncp: NcpTestClient;
  let repoName: string;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, buildMs: 150, deployMs: 150 });
    ({ ncp } = clientsFor(sandbox));
    repoName = (
      await repositoryWith(sandbox, {
        Dockerfile: DOCKERFILE,
        'k8s/deployment.yaml': deploymentYaml('public', 'nginx:1.27'),
      })
    ).name;
  });
  afterEach(() => sandboxCall(sandbox, 'DELETE', '/_sandbox/faults'));
  afterAll(() => sandbox.close());

  const addFault = async (rule: Record<string, unknown>) => {
    const response = await sandboxCall(sandbox, 'POST', '/_sandbox/faults', rule);
    expect(response.status).toBe(201);
    return response.body;
  };
  const buildOf = async (projectId: number, buildId: string) =>
    (await ncp.ok('GET', `${SB}/project/${projectId}/history`)).history.find((b: any) => b.buildId === buildId);
  const deployOf = (projectId: number, historyId: number) =>
    ncp.ok('GET', `${SD}/project/${projectId}/history/${historyId}`);

  it('answers 429 with Retry-After the given number of times in NCP’s shape, then serves normally', async () => {
    const rule = await addFault({
      party: 'sourcebuild',
      effect: 'status',
      status: 429,
      times: 2,
      retryAfterSeconds: 3,
      method: 'GET',
      path: '/project',
    });
    for (let i = 0; i < 2; i++) {
      const throttled = await ncp.get(`${SB}/project`);
      expect(throttled.status).toBe(429);
      expect(throttled.headers.get('retry-after')).toBe('3');
      expect(throttled.body.error).toMatchObject({ errorCode: '410', message: 'Throttle Limited' });
    }
    expect((await ncp.get(`${SB}/project`)).status).toBe(200);
    const listed = (await sandboxCall(sandbox, 'GET', '/_sandbox/faults')).body.faults;
    expect(listed).toEqual([expect.objectContaining({ id: rule.id, remaining: 0, hits: 2 })]);
  });

  it('answers 503 only for the project a rule names, by name', async () => {
    const target = await createBuildProject(sandbox, repoName, unique('img'));
    const other = await createBuildProject(sandbox, repoName, unique('img'));
    await addFault({ party: 'sourcebuild', effect: 'status', status: 503, project: target.name, times: 5 });
    expect((await ncp.get(`${SB}/project/${other.id}`)).status).toBe(200);
    const failing = await ncp.get(`${SB}/project/${target.id}`);
    expect(failing.status).toBe(503);
    expect(failing.body.error.errorCode).toBe('500');
  });

  it('answers other parties in their own shapes: the registry’s errors list and GitHub’s message', async () => {
    await addFault({ party: 'registry', effect: 'status', status: 429 });
    await addFault({ party: 'github', effect: 'status', status: 503 });
    const registry = await fetch(`${sandbox.url}/v2/`);
    expect(registry.status).toBe(429);
    expect(((await registry.json()) as any).errors[0].code).toBe('TOOMANYREQUESTS');
    const github = await fetch(`${sandbox.url}/github/api/repos/a/b`);
    expect(github.status).toBe(503);
    expect(await github.json()).toMatchObject({ message: expect.any(String), documentation_url: expect.any(String) });
  });

  it('fails the next build of a project with the failedPhase asked for, and only that one', async () => {
    const project = await createBuildProject(sandbox, repoName, unique('img'));
    await addFault({ party: 'sourcebuild', effect: 'fail', project: project.id, failedPhase: 'upload' });
    const first = await ncp.ok('POST', `${SB}/project/${project.id}/build`);
    const failed = await pollUntil(
      () => buildOf(project.id, first.buildId),
      (b) => b.status === 'fail',
    );
    expect(failed.failedPhase).toBe('upload');
    const second = await ncp.ok('POST', `${SB}/project/${project.id}/build`);
    expect(
      (
        await pollUntil(
          () => buildOf(project.id, second.buildId),
          (b) => b.status !== 'prepare' && b.status !== 'upload',
        )
      ).status,
    ).toBe('success');
  });

  it('hangs a build in prepare while a normal build finishes, until the rule is cleared', async () => {
    const hung = await createBuildProject(sandbox, repoName, unique('img'));
    const normal = await createBuildProject(sandbox, repoName, unique('img'));
    const rule = await addFault({ party: 'sourcebuild', effect: 'hang', project: hung.name });
    const hungBuild = await ncp.ok('POST', `${SB}/project/${hung.id}/build`);
    const normalBuild = await ncp.ok('POST', `${SB}/project/${normal.id}/build`);
    await pollUntil(
      () => buildOf(normal.id, normalBuild.buildId),
      (b) => b.status === 'success',
    );
    expect((await buildOf(hung.id, hungBuild.buildId)).status).toBe('prepare');
    expect((await sandboxCall(sandbox, 'DELETE', `/_sandbox/faults/${rule.id}`)).status).toBe(200);
    expect(
      (
        await pollUntil(
          () => buildOf(hung.id, hungBuild.buildId),
          (b) => b.status === 'success',
        )
      ).failedPhase,
    ).toBeNull();
  });

  it('hangs a deploy in inprogress until it is cancelled', async () => {
    const hung = await createDeployTarget(sandbox, repoName);
    const normal = await createDeployTarget(sandbox, repoName);
    await addFault({ party: 'sourcedeploy', effect: 'hang', project: hung.projectName });
    const deploy = (t: typeof hung) =>
      ncp.ok('POST', `${SD}/project/${t.projectId}/stage/${t.stageId}/scenario/${t.scenarioId}/deploy`);
    const hungDeploy = await deploy(hung);
    const normalDeploy = await deploy(normal);
    await pollUntil(
      () => deployOf(normal.projectId, normalDeploy.historyId),
      (h) => h.status === 'success',
    );
    expect((await deployOf(hung.projectId, hungDeploy.historyId)).status).toBe('inprogress');
    await ncp.ok('POST', `${SD}/project/${hung.projectId}/history/${hungDeploy.historyId}/cancel`);
    expect((await deployOf(hung.projectId, hungDeploy.historyId)).status).toBe('canceled');
  });

  it('fails the next deploy of a project with the reason given', async () => {
    const target = await createDeployTarget(sandbox, repoName);
    await addFault({
      party: 'sourcedeploy',
      effect: 'fail',
      project: target.projectId,
      reason: 'rollout stuck: 0/2 ready',
    });
    const { historyId } = await ncp.ok(
      'POST',
      `${SD}/project/${target.projectId}/stage/${target.stageId}/scenario/${target.scenarioId}/deploy`,
    );
    const history = await pollUntil(
      () => deployOf(target.projectId, historyId),
      (h) => h.status !== 'inprogress',
    );
    expect(history).toMatchObject({ status: 'fail', reason: 'rollout stuck: 0/2 ready' });
  });

  it('refuses a rule that makes no sense with 400', async () => {
    expect((await sandboxCall(sandbox, 'POST', '/_sandbox/faults', { party: 'slack', effect: 'hang' })).status).toBe(
      400,
    );
    expect(
      (await sandboxCall(sandbox, 'POST', '/_sandbox/faults', { party: 'sourcebuild', effect: 'status' })).status,
    ).toBe(400);
    expect(
      (await sandboxCall(sandbox, 'POST', '/_sandbox/faults', { party: 'mars', effect: 'status', status: 503 })).status,
    ).toBe(400);
  });

  it('runs builds of a per-project length, zero included, while others keep the default', async () => {
    const instant = await createBuildProject(sandbox, repoName, unique('img'));
    const slow = await createBuildProject(sandbox, repoName, unique('img'));
    const timings = await sandboxCall(sandbox, 'PUT', '/_sandbox/timings', {
      buildMs: 600_000,
      projects: { [instant.name]: { buildMs: 0 } },
    });
    expect(timings.body).toEqual({ buildMs: 600_000, deployMs: 150, projects: { [instant.name]: { buildMs: 0 } } });
    try {
      const slowBuild = await ncp.ok('POST', `${SB}/project/${slow.id}/build`);
      const { buildId } = await ncp.ok('POST', `${SB}/project/${instant.id}/build`);
      await pollUntil(
        () => buildOf(instant.id, buildId),
        (b) => b.status === 'success',
        { description: 'the zero-length build' },
      );
      expect((await buildOf(slow.id, slowBuild.buildId)).status).toBe('prepare');
    } finally {
      await sandboxCall(sandbox, 'PUT', '/_sandbox/timings', { buildMs: 150, projects: {} });
    }
  });
});
