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
import { pushFiles } from './support/git';
import { NcpTestClient } from './support/ncp-test-client';

describe('SourceDeploy deploys and the cluster view', () => {
  let sandbox: RunningSandbox;
  let ncp: NcpTestClient;
  let registryHost: string;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, buildMs: 0, deployMs: 100 });
    ({ ncp } = clientsFor(sandbox));
    registryHost = `127.0.0.1:${sandbox.port}`;
  });
  afterAll(() => sandbox.close());

  async function deployToEnd(projectId: number, historyId: number): Promise<any> {
    return pollUntil(
      () => ncp.ok('GET', `${SD}/project/${projectId}/history/${historyId}`),
      (h) => h.status !== 'inprogress',
      { description: `deploy ${historyId} to end` },
    );
  }

  /** A repository whose image is built (tag v1) and whose manifest names `image` (the built one unless given). */
  async function builtRepository(manifestFor: (builtImage: string) => string) {
    const imageName = unique('app');
    const builtImage = `${registryHost}/${imageName}:v1`;
    const repo = await repositoryWith(sandbox, {
      Dockerfile: DOCKERFILE,
      'k8s/deployment.yaml': manifestFor(builtImage),
    });
    const project = await createBuildProject(sandbox, repo.name, imageName, 'v1');
    const { buildId } = await ncp.ok('POST', `${SB}/project/${project.id}/build`);
    await pollUntil(
      async () =>
        (await ncp.ok('GET', `${SB}/project/${project.id}/history`)).history.find((b: any) => b.buildId === buildId),
      (b) => b.status === 'success',
      { description: 'image build' },
    );
    return { repo, builtImage, imageName };
  }

  it('applies the manifest at the branch head and records what runs: image and replicas per Deployment, and Services', async () => {
    const name = unique('web');
    const { repo, builtImage } = await builtRepository((image) => deploymentYaml(name, image, 3));
    const target = await createDeployTarget(sandbox, repo.name);
    const started = await ncp.ok(
      'POST',
      `${SD}/project/${target.projectId}/stage/${target.stageId}/scenario/${target.scenarioId}/deploy`,
    );
    expect(started).toEqual({ historyId: expect.any(Number) });
    const first = await ncp.ok('GET', `${SD}/project/${target.projectId}/history/${started.historyId}`);
    expect(first.status).toBe('inprogress');

    const history = await deployToEnd(target.projectId, started.historyId);
    expect(history).toMatchObject({
      id: started.historyId,
      status: 'success',
      type: 'KubernetesService',
      strategy: 'normal',
      endTime: expect.any(Number),
      commit: repo.head,
    });

    const cluster = (await sandboxCall(sandbox, 'GET', '/_sandbox/cluster/team-a')).body;
    expect(cluster.deployments).toContainEqual({
      namespace: 'team-a',
      name,
      containers: [{ name: 'web', image: builtImage }],
      replicas: 3,
      deployedAt: expect.any(String),
      sourceDeployHistoryId: started.historyId,
      sourceDeployProjectId: target.projectId,
    });
    expect(cluster.services).toContainEqual(
      expect.objectContaining({ namespace: 'team-a', name, ports: [{ port: 80, targetPort: 8080 }] }),
    );

    const list = await ncp.ok('GET', `${SD}/project/${target.projectId}/history?pageNo=1&pageSize=10`);
    expect(list.historyList[0]).toMatchObject({ id: String(started.historyId), status: 'success' });
  });

  it('replaces what runs when a later commit changes the replica count', async () => {
    const name = unique('scale');
    const { repo, builtImage } = await builtRepository((image) => deploymentYaml(name, image, 1));
    const target = await createDeployTarget(sandbox, repo.name);
    const deploy = async () => {
      const { historyId } = await ncp.ok(
        'POST',
        `${SD}/project/${target.projectId}/stage/${target.stageId}/scenario/${target.scenarioId}/deploy`,
      );
      return deployToEnd(target.projectId, historyId);
    };
    await deploy();
    await pushFiles(repo.url, clientsFor(sandbox).gitAuth, 'main', {
      'k8s/deployment.yaml': deploymentYaml(name, builtImage, 5),
    });
    const second = await deploy();
    const running = (await sandboxCall(sandbox, 'GET', `/_sandbox/cluster/team-a/deployments/${name}`)).body;
    expect(running).toMatchObject({ replicas: 5, sourceDeployHistoryId: second.id });
  });

  it('fails, with the reason in the history, when an image on the sandbox registry was never built', async () => {
    const name = unique('ghost');
    const { repo } = await builtRepository(() => deploymentYaml(name, `${registryHost}/never-built:v9`));
    const target = await createDeployTarget(sandbox, repo.name);
    const { historyId } = await ncp.ok(
      'POST',
      `${SD}/project/${target.projectId}/stage/${target.stageId}/scenario/${target.scenarioId}/deploy`,
    );
    const history = await deployToEnd(target.projectId, historyId);
    expect(history.status).toBe('fail');
    expect(history.reason).toMatch(/never-built:v9.*not in the sandbox registry/);
    const cluster = (await sandboxCall(sandbox, 'GET', '/_sandbox/cluster')).body;
    expect(cluster.deployments.find((d: any) => d.name === name)).toBeUndefined();
  });

  it('fails when a manifest document is not a Kubernetes object, or the file is missing', async () => {
    const repo = await repositoryWith(sandbox, { 'k8s/deployment.yaml': 'just: some\nyaml: here\n' });
    const target = await createDeployTarget(sandbox, repo.name);
    const { historyId } = await ncp.ok(
      'POST',
      `${SD}/project/${target.projectId}/stage/${target.stageId}/scenario/${target.scenarioId}/deploy`,
    );
    expect((await deployToEnd(target.projectId, historyId)).reason).toMatch(
      /not a Kubernetes object: apiVersion is missing/,
    );

    const missing = await createDeployTarget(sandbox, repo.name, ['k8s/absent.yaml']);
    const second = await ncp.ok(
      'POST',
      `${SD}/project/${missing.projectId}/stage/${missing.stageId}/scenario/${missing.scenarioId}/deploy`,
    );
    const history = await deployToEnd(missing.projectId, second.historyId);
    expect(history).toMatchObject({ status: 'fail', reason: expect.stringMatching(/k8s\/absent\.yaml" not found/) });
  });

  it('accepts images from registries other than its own', async () => {
    const name = unique('public');
    const repo = await repositoryWith(sandbox, {
      'k8s/deployment.yaml': deploymentYaml(name, 'docker.io/library/nginx:1.27', 1),
    });
    const target = await createDeployTarget(sandbox, repo.name);
    const { historyId } = await ncp.ok(
      'POST',
      `${SD}/project/${target.projectId}/stage/${target.stageId}/scenario/${target.scenarioId}/deploy`,
    );
    expect((await deployToEnd(target.projectId, historyId)).status).toBe('success');
  });

  it('ends a cancelled deploy as canceled and leaves the cluster as it was', async () => {
    const name = unique('cancel');
    const { repo } = await builtRepository((image) => deploymentYaml(name, image, 2));
    const target = await createDeployTarget(sandbox, repo.name);
    await sandboxCall(sandbox, 'PUT', '/_sandbox/timings', {
      projects: { [target.projectName]: { deployMs: 600_000 } },
    });
    const { historyId } = await ncp.ok(
      'POST',
      `${SD}/project/${target.projectId}/stage/${target.stageId}/scenario/${target.scenarioId}/deploy`,
    );
    expect(await ncp.ok('POST', `${SD}/project/${target.projectId}/history/${historyId}/cancel`)).toEqual({
      result: true,
    });
    expect((await ncp.ok('GET', `${SD}/project/${target.projectId}/history/${historyId}`)).status).toBe('canceled');
    expect((await sandboxCall(sandbox, 'GET', `/_sandbox/cluster/team-a/deployments/${name}`)).status).toBe(404);
  });

  it('holds a deploy request pending until it is approved (then it runs) or rejected', async () => {
    const repo = await repositoryWith(sandbox, {
      'k8s/deployment.yaml': deploymentYaml(unique('gated'), 'nginx:1.27', 1),
    });
    const target = await createDeployTarget(sandbox, repo.name);
    const base = `${SD}/project/${target.projectId}`;
    const request = () =>
      ncp.ok('POST', `${base}/stage/${target.stageId}/scenario/${target.scenarioId}/deploy/request`);
    const approved = await request();
    expect((await ncp.ok('GET', `${base}/history/${approved.historyId}`)).status).toBe('pending');
    expect(await ncp.ok('POST', `${base}/history/${approved.historyId}/approval/accept`)).toEqual({ result: true });
    expect((await deployToEnd(target.projectId, approved.historyId)).status).toBe('success');

    const rejected = await request();
    await ncp.ok('POST', `${base}/history/${rejected.historyId}/approval/reject`);
    expect((await ncp.ok('GET', `${base}/history/${rejected.historyId}`)).status).toBe('reject');
    expect((await ncp.post(`${base}/history/${rejected.historyId}/approval/accept`)).status).toBe(400);
  });
});
