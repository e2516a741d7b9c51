import { randomUUID } from 'node:crypto';
import { createNcpClients } from '@klepaas/ncp';
import { pollUntil } from '@klepaas/testing';
import { notifyPush, pushToGithub } from '../../../test/support/github-push';
import { getJson, postJson, sendJson } from '../../../test/support/http';
import { query } from '../../../test/support/database';
import { addFault, clearFaults, sandboxGet } from '../../../test/support/sandbox';
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

/** Steps that must end in seconds here: every run ends, whatever NCP answers. */
const RUNNER_ENV = {
  KLEPAAS_RUNNER_MIRROR_TIMEOUT_MS: '8000',
  KLEPAAS_RUNNER_BUILD_TIMEOUT_MS: '5000',
  KLEPAAS_RUNNER_DEPLOY_TIMEOUT_MS: '5000',
};

describe('runs converge on what the project should run', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await TestSystem.start({ runnerEnv: RUNNER_ENV });
  });

  afterAll(async () => {
    await system?.stop();
  });

  afterEach(async () => {
    await clearFaults(system.sandbox);
  });

  const files = (app: string, version: string) => ({
    Dockerfile: 'FROM scratch\n',
    'k8s/deployment.yaml': manifest(app),
    VERSION: `${version}\n`,
  });
  const ncpDeploy = async (deployProjectId: number, historyId: string) => {
    const ncp = createNcpClients({
      accessKey: system.sandbox.options.ncpAccessKey,
      secretKey: system.sandbox.options.ncpSecretKey,
      endpoints: system.services[1].config.ncp.endpoints,
    });
    try {
      return await ncp.sourceDeploy.getDeployHistory(deployProjectId, historyId);
    } finally {
      await ncp.close();
    }
  };
  const project = (id: string) => getJson(system.api(`/projects/${id}`), system.owner).then((r) => r.body);
  const hangBuilds = (p: any) =>
    addFault(system.sandbox, { party: 'sourcebuild', effect: 'hang', project: p.ncp.sourceBuildProjectId, times: 5 });

  describe('every run ends', () => {
    it('fails a build whose status call always fails at the deadline, with the last error, and the next run starts', async () => {
      const { repo, project: p } = await system.readyProject('deadline-co', 'app');
      // A build that would run for a minute: it is still running when the deadline comes.
      await sendJson('PUT', `${system.sandbox.url}/_sandbox/timings`, {
        projects: { [p.ncp.sourceBuildProjectId]: { buildMs: 60_000 } },
      });
      const first = await pushToGithub(system.sandbox, system.gateway.url, repo, files('deadline-co-app', '1'));
      const building = await pollUntil(
        () => system.runOfDelivery(first.deliveryId),
        (r) => r?.build_id,
        { timeoutMs: 30_000, description: 'the build to start' },
      );
      await addFault(system.sandbox, {
        party: 'sourcebuild',
        effect: 'status',
        status: 503,
        method: 'GET',
        path: '/history',
        project: p.ncp.sourceBuildProjectId,
        times: 100_000,
      });
      const failed = await system.untilEnded(building.id);
      expect(failed).toMatchObject({ status: 'failed', failedStep: 'build' });
      expect(failed.reason).toMatch(/took longer than/);
      expect(failed.reason).toMatch(/last error: .*503/);
      expect(failed.steps.find((s: any) => s.name === 'build')).toMatchObject({
        status: 'failed',
        failedPhase: 'timeout',
        error: { code: 'timeout' },
      });
      // The build was cancelled at NCP, and the project is free for its next run.
      const build = await sandboxGet(system.sandbox, `/_sandbox/builds/${building.build_id}`);
      expect(build.status).toBe('canceled');
      await clearFaults(system.sandbox);
      await sendJson('PUT', `${system.sandbox.url}/_sandbox/timings`, {
        projects: { [p.ncp.sourceBuildProjectId]: { buildMs: 300 } },
      });
      const second = await pushToGithub(system.sandbox, system.gateway.url, repo, files('deadline-co-app', '2'));
      expect((await system.untilRunEnds(second.deliveryId)).status).toBe('succeeded');
    });

    it('fails a deploy that never ends at its deadline and cancels it at NCP', async () => {
      const { repo, project: p } = await system.readyProject('deadline-co', 'stuck');
      await addFault(system.sandbox, { party: 'sourcedeploy', effect: 'hang', project: p.ncp.sourceDeployProjectId });
      const pushed = await pushToGithub(system.sandbox, system.gateway.url, repo, files('deadline-co-stuck', '1'));
      const run = await system.untilRunEnds(pushed.deliveryId);
      expect(run).toMatchObject({ status: 'failed', failed_step: 'deploy' });
      expect(run.reason).toMatch(/deploy step took longer than/);
      const history = await ncpDeploy(Number(p.ncp.sourceDeployProjectId), run.deploy_history_id);
      expect(history.status).toBe('canceled');
    });

    it('cancels a deploy in progress at NCP when the user cancels the run', async () => {
      const { repo, project: p } = await system.readyProject('deadline-co', 'cancel-deploy');
      await addFault(system.sandbox, { party: 'sourcedeploy', effect: 'hang', project: p.ncp.sourceDeployProjectId });
      const pushed = await pushToGithub(
        system.sandbox,
        system.gateway.url,
        repo,
        files('deadline-co-cancel-deploy', '1'),
      );
      const deploying = await pollUntil(
        () => system.runOfDelivery(pushed.deliveryId),
        (r) => r?.status === 'deploying' && r.deploy_history_id,
        { timeoutMs: 30_000, description: 'the deploy to start' },
      );
      const res = await postJson(system.api(`/runs/${deploying.id}/cancel`), {}, system.owner);
      expect(res.status).toBe(202);
      expect(await system.untilEnded(deploying.id)).toMatchObject({ status: 'cancelled' });
      const history = await ncpDeploy(Number(p.ncp.sourceDeployProjectId), deploying.deploy_history_id);
      expect(history.status).toBe('canceled');
    });
  });

  describe('unregistering', () => {
    it('cancels the active run at NCP before any NCP resource is removed, and says what is left on the cluster', async () => {
      const { repo, project: p } = await system.readyProject('bye-co', 'app');
      await hangBuilds(p);
      const pushed = await pushToGithub(system.sandbox, system.gateway.url, repo, files('bye-co-app', '1'));
      const building = await pollUntil(
        () => system.runOfDelivery(pushed.deliveryId),
        (r) => r?.status === 'building' && r.build_id,
        { description: 'the build under way' },
      );
      const res = await sendJson('DELETE', system.api(`/projects/${p.id}`), undefined, system.owner);
      expect(res.status).toBe(202);
      expect(res.body.leftOnCluster).toMatch(new RegExp(`namespace ${p.namespace}.*cannot delete workloads`));
      expect(await system.untilEnded(building.id)).toMatchObject({
        status: 'cancelled',
        reason: 'the project is being unregistered',
      });
      const gone = await pollUntil(
        () => project(p.id),
        (v) => v.status === 'deleted',
        { description: 'the project deleted' },
      );
      expect(gone.unregistration.removed).toContain(`SourceBuild project ${p.ncp.sourceCommitRepository}`);
      const order = await query(
        system.infra.databaseUrl,
        `SELECT event_type FROM rm_timeline WHERE correlation_id = $1 AND event_type IN ('ProjectRunsStopped', 'ProjectUnregistered') ORDER BY seq`,
        [p.id],
      );
      expect(order.map((r: any) => r.event_type)).toEqual(['ProjectRunsStopped', 'ProjectUnregistered']);
      const build = await sandboxGet(system.sandbox, `/_sandbox/builds/${building.build_id}`);
      expect(build.status).toBe('canceled');
    });
  });

  describe('a rollback holds', () => {
    it('against a redelivered old webhook and a retry of an older run, and is lifted by a push that moves the branch', async () => {
      const { repo, project: p } = await system.readyProject('hold-co', 'app');
      const app = 'hold-co-app';
      const v1 = await pushToGithub(system.sandbox, system.gateway.url, repo, files(app, '1'));
      const v1Run = await system.untilRunEnds(v1.deliveryId);
      expect(v1Run.status).toBe('succeeded');
      await addFault(system.sandbox, { party: 'sourcedeploy', effect: 'fail', project: p.ncp.sourceDeployProjectId });
      const v2 = await pushToGithub(system.sandbox, system.gateway.url, repo, files(app, '2'));
      const v2Run = await system.untilRunEnds(v2.deliveryId);
      expect(v2Run).toMatchObject({ status: 'failed', failed_step: 'deploy' });
      await system.untilEnded(v2Run.id); // the gateway allows a retry once its read of the run says failed

      const rollback = await system.untilEnded(
        await system.command(`/projects/${p.id}/rollback`, { deploymentId: v1Run.id }),
      );
      expect(rollback).toMatchObject({ status: 'succeeded', trigger: { type: 'rollback', commitSha: v1.sha } });
      const pinned = await pollUntil(
        () => project(p.id),
        (v) => v.pin,
      );
      expect(pinned).toMatchObject({
        rollbackHold: true,
        pin: { by: 'owner-1', reason: expect.stringMatching(/rollback to/), runId: rollback.id },
        desired: { commitSha: v1.sha },
      });

      // GitHub's "Redeliver" of v2's push (a new delivery id): the branch did not move.
      const replay = await notifyPush(system.gateway.url, repo, v2.sha, files(app, '2'));
      expect(await system.untilDecided(replay.deliveryId)).toMatchObject({ status: 'skipped', rule: 'pinned' });
      // A retry of v2's failed run would deploy over the rollback.
      const retry = await system.untilEnded(await system.command(`/runs/${v2Run.id}/retry`));
      expect(retry).toMatchObject({ status: 'failed', reason: expect.stringMatching(/would deploy over it/) });
      expect((await system.deployment(p.namespace, app)).containers[0].image).toBe(system.imageFor(app, v1.sha));

      // A push that moves the branch lifts the pin and deploys.
      const v3 = await pushToGithub(system.sandbox, system.gateway.url, repo, files(app, '3'));
      expect(await system.untilRunEnds(v3.deliveryId)).toMatchObject({ status: 'succeeded', commit_sha: v3.sha });
      const unpinned = await project(p.id);
      expect(unpinned).toMatchObject({ rollbackHold: false, desired: { commitSha: v3.sha } });
      expect(unpinned.pin).toBeUndefined();
      expect((await system.deployment(p.namespace, app)).containers[0].image).toBe(system.imageFor(app, v3.sha));
    });

    it('until unpinned by hand, when the branch head deploys again', async () => {
      const { repo, project: p } = await system.readyProject('hold-co', 'unpin');
      const app = 'hold-co-unpin';
      const v1 = await pushToGithub(system.sandbox, system.gateway.url, repo, files(app, '1'));
      await system.untilRunEnds(v1.deliveryId);
      const v2 = await pushToGithub(system.sandbox, system.gateway.url, repo, files(app, '2'));
      await system.untilRunEnds(v2.deliveryId);
      expect((await system.untilEnded(await system.command(`/projects/${p.id}/rollback`))).status).toBe('succeeded');
      const res = await postJson(system.api(`/projects/${p.id}/unpin`), {}, system.owner);
      expect(res.status).toBe(202);
      const followed = await pollUntil(
        () => system.runs(p.id),
        (runs) => runs.some((r: any) => r.trigger_type === 'reconcile' && r.status === 'succeeded'),
        { description: 'the branch head deployed again' },
      );
      const run = followed.find((r: any) => r.trigger_type === 'reconcile');
      expect(run).toMatchObject({ commit_sha: v2.sha, trigger_reason: expect.stringMatching(/unpinned by owner-1/) });
      expect((await project(p.id)).rollbackHold).toBe(false);
    });

    it('against a push queued before it: the queued run is superseded and the rollback deploys last', async () => {
      const { repo, project: p } = await system.readyProject('hold-co', 'queued');
      const app = 'hold-co-queued';
      const v1 = await pushToGithub(system.sandbox, system.gateway.url, repo, files(app, '1'));
      const v1Run = await system.untilRunEnds(v1.deliveryId);
      await hangBuilds(p);
      const v2 = await pushToGithub(system.sandbox, system.gateway.url, repo, files(app, '2'));
      await pollUntil(
        () => system.runOfDelivery(v2.deliveryId),
        (r) => r?.status === 'building',
        { description: 'v2 building' },
      );
      const v3 = await pushToGithub(system.sandbox, system.gateway.url, repo, files(app, '3'));
      const queued = await pollUntil(
        () => system.runOfDelivery(v3.deliveryId),
        (r) => r?.status === 'queued',
        { description: 'v3 queued' },
      );
      const rollbackId = await system.command(`/projects/${p.id}/rollback`, { deploymentId: v1Run.id });
      expect(await system.untilEnded(queued.id)).toMatchObject({
        status: 'superseded',
        reason: `superseded by run ${rollbackId}`,
      });
      await clearFaults(system.sandbox);
      expect(await system.untilEnded(rollbackId)).toMatchObject({
        status: 'succeeded',
        trigger: { commitSha: v1.sha },
      });
      // v2 ends before the rollback deploys; its hung build may have met the 5 s build deadline
      // first on a loaded machine, so either end will do: what matters is what runs last.
      expect(['succeeded', 'failed']).toContain((await system.untilRunEnds(v2.deliveryId)).status);
      expect((await system.deployment(p.namespace, app)).containers[0].image).toBe(system.imageFor(app, v1.sha));
    });
  });

  describe('superseding by meaning', () => {
    it('a scale never drops a newer commit: the run that deploys applies both', async () => {
      const { repo, project: p } = await system.readyProject('scale-co', 'app');
      const app = 'scale-co-app';
      const v1 = await pushToGithub(system.sandbox, system.gateway.url, repo, files(app, '1'));
      await system.untilRunEnds(v1.deliveryId);
      await hangBuilds(p);
      const v2 = await pushToGithub(system.sandbox, system.gateway.url, repo, files(app, '2'));
      await pollUntil(
        () => system.runOfDelivery(v2.deliveryId),
        (r) => r?.status === 'building',
        { description: 'v2 building' },
      );
      const v3 = await pushToGithub(system.sandbox, system.gateway.url, repo, files(app, '3'));
      const v3Run = await pollUntil(
        () => system.runOfDelivery(v3.deliveryId),
        (r) => r?.status === 'queued',
        { description: 'v3 queued' },
      );
      const scaleId = await system.command(`/projects/${p.id}/scale`, { replicas: 3 });
      expect(await system.untilEnded(v3Run.id)).toMatchObject({ status: 'superseded' });
      await clearFaults(system.sandbox);
      expect(await system.untilEnded(scaleId)).toMatchObject({
        status: 'succeeded',
        trigger: { type: 'scale', commitSha: v3.sha },
        replicas: 3,
      });
      expect(await system.deployment(p.namespace, app)).toMatchObject({
        replicas: 3,
        containers: [{ image: system.imageFor(app, v3.sha) }],
      });
    });

    it('a refused command supersedes nothing: the push waiting behind it still deploys', async () => {
      const { repo, project: p } = await system.readyProject('scale-co', 'refused');
      const app = 'scale-co-refused';
      const v1 = await pushToGithub(system.sandbox, system.gateway.url, repo, files(app, '1'));
      await system.untilRunEnds(v1.deliveryId);
      await hangBuilds(p);
      const v2 = await pushToGithub(system.sandbox, system.gateway.url, repo, files(app, '2'));
      await pollUntil(
        () => system.runOfDelivery(v2.deliveryId),
        (r) => r?.status === 'building',
        { description: 'v2 building' },
      );
      const v3 = await pushToGithub(system.sandbox, system.gateway.url, repo, files(app, '3'));
      const v3Run = await pollUntil(
        () => system.runOfDelivery(v3.deliveryId),
        (r) => r?.status === 'queued',
        { description: 'v3 queued' },
      );
      const refused = await system.untilEnded(
        await system.command(`/projects/${p.id}/rollback`, { deploymentId: randomUUID() }),
      );
      expect(refused).toMatchObject({ status: 'failed', reason: expect.stringMatching(/no earlier successful/) });
      expect((await system.runOfDelivery(v3.deliveryId)).status).toBe('queued');
      await clearFaults(system.sandbox);
      expect(await system.untilEnded(v3Run.id)).toMatchObject({ status: 'succeeded' });
      expect((await system.deployment(p.namespace, app)).containers[0].image).toBe(system.imageFor(app, v3.sha));
    });

    it('a replayed push body with a new delivery id builds and deploys nothing; a manual redeploy still can', async () => {
      const { repo, project: p } = await system.readyProject('once-co', 'app');
      const app = 'once-co-app';
      const v1 = await pushToGithub(system.sandbox, system.gateway.url, repo, files(app, '1'));
      await system.untilRunEnds(v1.deliveryId);
      const replay = await notifyPush(system.gateway.url, repo, v1.sha, files(app, '1'));
      expect(replay.deliveryId).not.toBe(v1.deliveryId);
      expect(await system.untilDecided(replay.deliveryId)).toMatchObject({
        status: 'skipped',
        rule: 'up-to-date',
        reason: expect.stringMatching(/already deployed/),
      });
      expect(await system.ncpBuildCount(Number(p.ncp.sourceBuildProjectId))).toBe(1);
      expect(await system.ncpDeployCount(Number(p.ncp.sourceDeployProjectId))).toBe(1);
      const redeploy = await system.untilEnded(await system.command(`/projects/${p.id}/deploy`, { ref: 'main' }));
      expect(redeploy).toMatchObject({ status: 'succeeded', trigger: { type: 'manual', commitSha: v1.sha } });
      expect(await system.ncpBuildCount(Number(p.ncp.sourceBuildProjectId))).toBe(1);
      expect(await system.ncpDeployCount(Number(p.ncp.sourceDeployProjectId))).toBe(2);
    });

    it('a replicas setting changed while a scale deploys wins over the scale', async () => {
      const { repo, project: p } = await system.readyProject('scale-co', 'late');
      const app = 'scale-co-late';
      const v1 = await pushToGithub(system.sandbox, system.gateway.url, repo, files(app, '1'));
      await system.untilRunEnds(v1.deliveryId);
      await addFault(system.sandbox, { party: 'sourcedeploy', effect: 'hang', project: p.ncp.sourceDeployProjectId });
      const scaleId = await system.command(`/projects/${p.id}/scale`, { replicas: 2 });
      await pollUntil(
        () => getJson(system.api(`/runs/${scaleId}`), system.owner),
        (r) => r.body?.status === 'deploying',
        { description: 'the scale deploying' },
      );
      const patched = await sendJson('PATCH', system.api(`/projects/${p.id}`), { replicas: 5 }, system.owner);
      expect(patched.status).toBe(202);
      await clearFaults(system.sandbox);
      expect((await system.untilEnded(scaleId)).status).toBe('succeeded');
      const settled = await pollUntil(
        () => system.runnerProject(p.id),
        (r) => r.deployed_replicas === 5,
        { description: 'the replicas setting deployed' },
      );
      expect(settled.desired_replicas).toBe(5);
      expect(await system.deployment(p.namespace, app)).toMatchObject({ replicas: 5 });
    });
  });

  // Last: it stops the mirror.
  describe('when the mirror never answers', () => {
    it('asks three times, then fails the run at the mirror step, and the next run can start', async () => {
      const { repo, project: p } = await system.readyProject('deadline-co', 'no-mirror');
      const mirror = system.services.find((s) => s.config.app === 'mirror')!;
      system.services.splice(system.services.indexOf(mirror), 1);
      await mirror.close();
      const pushed = await pushToGithub(system.sandbox, system.gateway.url, repo, files('deadline-co-no-mirror', '1'));
      const run = await system.untilRunEnds(pushed.deliveryId, 60_000);
      expect(run).toMatchObject({ status: 'failed', failed_step: 'mirror', mirror_attempt: 3 });
      expect(run.reason).toMatch(/did not answer 3 requests/);
      const next = await system.command(`/projects/${p.id}/deploy`, { ref: 'main' });
      expect(
        await pollUntil(
          () => system.runs(p.id),
          (runs) => runs.find((r: any) => r.id === next)?.status === 'mirroring',
          { description: 'the next run started' },
        ),
      ).toBeTruthy();
    });
  });
});
