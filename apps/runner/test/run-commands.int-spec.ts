import { pollUntil } from '@klepaas/testing';
import { commitToGithub, pushToGithub } from '../../../test/support/github-push';
import { getJson, postJson } from '../../../test/support/http';
import { addFault, clearFaults } from '../../../test/support/sandbox';
import { TestSystem } from './system';

const manifest = (app: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${app}
spec:
  replicas: 1
  selector:
    matchLabels: { app: ${app} }
  template:
    metadata:
      labels: { app: ${app} }
    spec:
      containers:
        - name: ${app}
          image: placeholder/${app}:none
`;

describe('manual deploy, cancel, retry, rollback and scale', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await TestSystem.start();
  });

  afterAll(async () => {
    await system?.stop();
  });

  const api = (path: string) => `${system.gateway.url}/api/v1${path}`;
  const command = async (path: string, body: unknown = {}) => {
    const res = await postJson(api(path), body, system.owner);
    expect(res.status).toBe(202);
    return res.body.runId as string;
  };
  const untilEnded = (runId: string) =>
    pollUntil(
      () => getJson(api(`/runs/${runId}`), system.owner),
      (r) => ['succeeded', 'failed', 'cancelled', 'superseded'].includes(r.body?.status),
      { timeoutMs: 45_000, description: `run ${runId} to end` },
    ).then((r) => r.body);
  const deployedImage = async (namespace: string, name: string) => {
    const cluster = await system.cluster();
    return cluster.deployments.find((d: any) => d.namespace === namespace && d.name === name);
  };

  it('deploys a branch head on request, without a push delivery', async () => {
    const { repo, project } = await system.readyProject('ops-co', 'manual');
    const sha = await commitToGithub(system.sandbox, repo, {
      Dockerfile: 'FROM scratch\n',
      'k8s/deployment.yaml': manifest('ops-co-manual'),
    });
    const runId = await command(`/projects/${project.id}/deploy`, { ref: 'main' });
    const run = await untilEnded(runId);
    expect(run).toMatchObject({ status: 'succeeded', trigger: { type: 'manual', commitSha: sha } });
    expect((await deployedImage(project.namespace, 'ops-co-manual')).containers[0].image).toBe(
      system.imageFor('ops-co-manual', sha),
    );
  });

  it('cancels a build in progress, at NCP too', async () => {
    const { repo, project } = await system.readyProject('ops-co', 'cancel-me');
    await addFault(system.sandbox, { party: 'sourcebuild', effect: 'hang', project: project.ncp.sourceBuildProjectId });
    try {
      const pushed = await pushToGithub(system.sandbox, system.gateway.url, repo, { Dockerfile: 'FROM scratch\n' });
      const building = await pollUntil(
        () => system.runOfDelivery(pushed.deliveryId),
        (r) => r?.status === 'building' && r.build_id,
        {
          timeoutMs: 30_000,
        },
      );
      const res = await postJson(api(`/runs/${building.id}/cancel`), {}, system.owner);
      expect(res.status).toBe(202);
      const run = await untilEnded(building.id);
      expect(run.status).toBe('cancelled');
      const build = await getJson(`${system.sandbox.url}/_sandbox/builds/${building.build_id}`);
      expect(build.body.status).toBe('canceled');
    } finally {
      await clearFaults(system.sandbox);
    }
  });

  it('retries a run that failed at deploy without building again', async () => {
    const { repo, project } = await system.readyProject('ops-co', 'flaky-deploy');
    await addFault(system.sandbox, {
      party: 'sourcedeploy',
      effect: 'fail',
      times: 1,
      project: project.ncp.sourceDeployProjectId,
    });
    const pushed = await pushToGithub(system.sandbox, system.gateway.url, repo, {
      Dockerfile: 'FROM scratch\n',
      'k8s/deployment.yaml': manifest('ops-co-flaky-deploy'),
    });
    const failed = await system.untilRunEnds(pushed.deliveryId);
    expect(failed).toMatchObject({ status: 'failed', failed_step: 'deploy' });
    // The gateway allows a retry once its read of the run says failed.
    await untilEnded(failed.id);
    const retryId = await command(`/runs/${failed.id}/retry`);
    const retried = await untilEnded(retryId);
    expect(retried.status).toBe('succeeded');
    expect(retried.steps.find((s: any) => s.name === 'build').status).toBe('skipped');
    expect(await system.ncpBuildCount(Number(project.ncp.sourceBuildProjectId))).toBe(1);
    expect((await deployedImage(project.namespace, 'ops-co-flaky-deploy')).containers[0].image).toBe(
      system.imageFor('ops-co-flaky-deploy', pushed.sha),
    );
  });

  it('rolls back to the previous deployment without building, and scales through the manifest', async () => {
    const { repo, project } = await system.readyProject('ops-co', 'versions');
    const files = (v: string) => ({
      Dockerfile: 'FROM scratch\n',
      'k8s/deployment.yaml': manifest('ops-co-versions'),
      VERSION: v,
    });
    const first = await pushToGithub(system.sandbox, system.gateway.url, repo, files('1'));
    expect((await system.untilRunEnds(first.deliveryId)).status).toBe('succeeded');
    const second = await pushToGithub(system.sandbox, system.gateway.url, repo, files('2'));
    expect((await system.untilRunEnds(second.deliveryId)).status).toBe('succeeded');
    const builds = await system.ncpBuildCount(Number(project.ncp.sourceBuildProjectId));

    const rollback = await untilEnded(await command(`/projects/${project.id}/rollback`, {}));
    expect(rollback).toMatchObject({ status: 'succeeded', trigger: { type: 'rollback', commitSha: first.sha } });
    expect((await deployedImage(project.namespace, 'ops-co-versions')).containers[0].image).toBe(
      system.imageFor('ops-co-versions', first.sha),
    );

    const scale = await untilEnded(await command(`/projects/${project.id}/scale`, { replicas: 3 }));
    expect(scale.status).toBe('succeeded');
    const deployment = await deployedImage(project.namespace, 'ops-co-versions');
    expect(deployment).toMatchObject({
      replicas: 3,
      containers: [{ image: system.imageFor('ops-co-versions', first.sha) }],
    });
    expect(await system.ncpBuildCount(Number(project.ncp.sourceBuildProjectId))).toBe(builds);

    const deployments = await getJson(api(`/projects/${project.id}/deployments`), system.owner);
    expect(deployments.body.items[1]).toMatchObject({ isRollback: true, commitSha: first.sha });
  });
});
