import { KubeClient, PULL_SECRET_NAME } from '@klepaas/kube';
import { readKubeconfig } from '@klepaas/config';
import { pollUntil } from '@klepaas/testing';
import { deriveProjectNames } from '../apps/provisioner/src/projects/project-names';
import { provisionerService } from '../apps/provisioner/src/provisioner.service';
import { TestSystem } from '../apps/runner/test/system';
import { pushToGithub } from './support/github-push';
import { getJson, postJson, sendJson, tokenFor } from './support/http';
import {
  addFault,
  clearFaults,
  createGithubRepository,
  sandboxGet,
  sandboxKubeEnv,
  setNeverReady,
} from './support/sandbox';
import { startService } from './support/services';

const manifest = (app: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${app}
spec:
  replicas: 2
  selector:
    matchLabels:
      app: ${app}
  template:
    metadata:
      labels:
        app: ${app}
    spec:
      containers:
        - name: ${app}
          image: placeholder/${app}:none
`;
const files = (app: string, n: number) => ({
  Dockerfile: `FROM scratch\n# ${n}\n`,
  'k8s/deployment.yaml': manifest(app),
});

// Long enough for a loaded machine to see the wait and the rollout complete; the failing run waits it out.
const DEPLOY_DEADLINE_MS = 15_000;
const PULL = { KLEPAAS_NCR_PULL_USERNAME: 'pull-only-user', KLEPAAS_NCR_PULL_PASSWORD: 'pull-only-password' };

describe('cluster access through a kubeconfig (the sandbox Kubernetes API)', () => {
  let system: TestSystem;
  let kube: KubeClient;
  /** Registered before the provisioner ran, into a namespace someone else had already made. */
  let takenProjectId: string;
  let takenNamespace: string;

  beforeAll(async () => {
    system = await TestSystem.start({
      kube: true,
      env: PULL,
      withProvisioner: false,
      runnerEnv: { KLEPAAS_RUNNER_DEPLOY_TIMEOUT_MS: String(DEPLOY_DEADLINE_MS) },
    });
    kube = new KubeClient(readKubeconfig(sandboxKubeEnv(system.sandbox).KLEPAAS_KUBECONFIG));
    await createGithubRepository(system.sandbox, 'taken-co', 'api');
    const res = await postJson(system.api('/projects'), { owner: 'taken-co', repo: 'api' }, system.owner);
    expect(res.status).toBe(202);
    takenProjectId = res.body.id;
    takenNamespace = deriveProjectNames('taken-co', 'api', takenProjectId).namespace;
    await kube.createNamespace(takenNamespace, { team: 'someone-else' });
    system.services.push(await startService(provisionerService, system.infra, system.env()));
  });

  afterAll(async () => {
    await kube?.close();
    await system?.stop();
  });

  it('registration creates the namespace, labelled as the project, the per-project RoleBinding and the NCR pull secret', async () => {
    const { project } = await system.readyProject('kube-co', 'web');
    expect(project.cluster).toEqual({ managed: true });
    const namespace = await kube.getNamespace(project.namespace);
    expect(namespace.metadata.labels).toEqual({
      'app.kubernetes.io/managed-by': 'klepaas',
      'klepaas.io/project-id': project.id,
    });
    // The service account works in the namespace only through this binding (docs/cluster.md).
    expect(await sandboxGet(system.sandbox, `/_sandbox/kube/rolebindings/${project.namespace}`)).toEqual([
      {
        namespace: project.namespace,
        name: 'klepaas-project',
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'klepaas-project' },
        subjects: [{ kind: 'ServiceAccount', name: 'klepaas', namespace: 'klepaas-system' }],
        labels: { 'app.kubernetes.io/managed-by': 'klepaas' },
      },
    ]);
    const secret = await kube.getSecret(project.namespace, PULL_SECRET_NAME);
    expect(secret.type).toBe('kubernetes.io/dockerconfigjson');
    const config = JSON.parse(Buffer.from(secret.data!['.dockerconfigjson'], 'base64').toString());
    const registryHost = new URL(system.sandbox.url).host;
    expect(config.auths[registryHost]).toEqual({
      username: PULL.KLEPAAS_NCR_PULL_USERNAME,
      password: PULL.KLEPAAS_NCR_PULL_PASSWORD,
      auth: Buffer.from(`${PULL.KLEPAAS_NCR_PULL_USERNAME}:${PULL.KLEPAAS_NCR_PULL_PASSWORD}`).toString('base64'),
    });
  });

  it('never takes over a namespace that is not labelled as the project: registration fails saying so', async () => {
    const failed = await pollUntil(
      () => getJson(system.api(`/projects/${takenProjectId}`), system.owner),
      (r) => r.body?.status === 'failed',
      { timeoutMs: 30_000, description: 'the registration to fail' },
    );
    expect(failed.body.reason).toMatch(/^cluster: namespace .* already exists on the cluster and is not labelled/);
    expect((await kube.getNamespace(takenNamespace)).metadata.labels).toEqual({ team: 'someone-else' });
    // No RoleBinding was made there, so the service account may touch nothing inside it.
    expect(await sandboxGet(system.sandbox, `/_sandbox/kube/rolebindings/${takenNamespace}`)).toEqual([]);
    await expect(kube.getSecret(takenNamespace, PULL_SECRET_NAME)).rejects.toMatchObject({ status: 403 });
    await expect(kube.listDeployments(takenNamespace)).rejects.toMatchObject({ status: 403 });
  });

  it('a registration asked again after a later step failed finds its RoleBinding made and completes', async () => {
    await createGithubRepository(system.sandbox, 'kube-co', 'again');
    await addFault(system.sandbox, {
      party: 'sourcedeploy',
      effect: 'status',
      status: 400,
      times: 100,
      method: 'POST',
    });
    const res = await postJson(system.api('/projects'), { owner: 'kube-co', repo: 'again' }, system.owner);
    expect(res.status).toBe(202);
    const failed = await pollUntil(
      () => getJson(system.api(`/projects/${res.body.id}`), system.owner),
      (r) => r.body?.status === 'failed',
      { timeoutMs: 30_000, description: 'the registration to fail at SourceDeploy' },
    );
    expect(failed.body.reason).toMatch(/^sourcedeploy: /);
    const namespace = deriveProjectNames('kube-co', 'again', res.body.id).namespace;
    expect(await sandboxGet(system.sandbox, `/_sandbox/kube/rolebindings/${namespace}`)).toHaveLength(1);

    await clearFaults(system.sandbox);
    expect((await postJson(system.api('/projects'), { owner: 'kube-co', repo: 'again' }, system.owner)).status).toBe(
      202,
    );
    await pollUntil(
      () => getJson(system.api(`/projects/${res.body.id}`), system.owner),
      (r) => r.body?.status === 'ready',
      { timeoutMs: 30_000, description: 'the registration asked again to complete' },
    );
    expect(await sandboxGet(system.sandbox, `/_sandbox/kube/rolebindings/${namespace}`)).toHaveLength(1);
    expect((await kube.getSecret(namespace, PULL_SECRET_NAME)).type).toBe('kubernetes.io/dockerconfigjson');
  });

  it('binds nothing but the per-project role, and works only in namespaces that bind it', async () => {
    const other = {
      metadata: { name: 'admin' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io' as const, kind: 'ClusterRole' as const, name: 'cluster-admin' },
      subjects: [{ kind: 'ServiceAccount' as const, name: 'klepaas', namespace: 'klepaas-system' }],
    };
    await expect(kube.createRoleBinding('default', other)).rejects.toMatchObject({ status: 403 });
    const secret = { metadata: { name: 'token' }, type: 'kubernetes.io/service-account-token', data: {} };
    await expect(kube.createSecret('default', secret)).rejects.toMatchObject({ status: 403 });
    await expect(kube.listPods('kube-system')).rejects.toMatchObject({ status: 403 });
  });

  it('live status, logs and restart: for the owner, bounded; another user gets 404', async () => {
    const { repo, project } = await system.readyProject('kube-co', 'shop', { replicas: 2 });
    const pushed = await pushToGithub(system.sandbox, system.gateway.url, repo, files('kube-co-shop', 1));
    expect((await system.untilRunEnds(pushed.deliveryId)).status).toBe('succeeded');

    const live = await getJson(system.api(`/projects/${project.id}/live`), system.owner);
    expect(live.status).toBe(200);
    expect(live.body).toMatchObject({
      namespace: project.namespace,
      desiredReplicas: 2,
      readyReplicas: 2,
      rolledOut: true,
    });
    expect(live.body.pods).toHaveLength(2);
    for (const pod of live.body.pods) {
      expect(pod).toMatchObject({ phase: 'Running', ready: true, restarts: 0 });
      expect(Date.parse(pod.startedAt)).not.toBeNaN();
    }
    const pod = live.body.pods[0].name;

    const logs = await getJson(system.api(`/projects/${project.id}/pods/${pod}/logs?lines=5`), system.owner);
    expect(logs.status).toBe(200);
    expect(logs.body.lines).toHaveLength(5);
    expect(logs.body.lines[4]).toContain(pod);
    for (const bad of ['lines=0', 'lines=1001', 'lines=ten']) {
      expect((await getJson(system.api(`/projects/${project.id}/pods/${pod}/logs?${bad}`), system.owner)).status).toBe(
        400,
      );
    }
    expect((await getJson(system.api(`/projects/${project.id}/pods/Not_A_Pod/logs`), system.owner)).status).toBe(400);
    expect((await getJson(system.api(`/projects/${project.id}/pods/web-0/logs`), system.owner)).status).toBe(404);

    // The original dashboard's pods and logs views read the same (docs/compat.md).
    const compatPods = await getJson(system.api(`/deployments/${project.namespace}/kube-co-shop/pods`), system.owner);
    expect(compatPods.body.status).toBe('success');
    expect(compatPods.body.pods.map((p: any) => p.name).sort()).toEqual(live.body.pods.map((p: any) => p.name).sort());
    const compatLogs = await getJson(
      system.api(`/deployments/${project.namespace}/kube-co-shop/logs?pod=${pod}&lines=3&previous=false`),
      system.owner,
    );
    expect(compatLogs.body).toMatchObject({ status: 'success', podName: pod, lines: 3 });

    const intruder = tokenFor('intruder');
    expect((await getJson(system.api(`/projects/${project.id}/live`), intruder)).status).toBe(404);
    expect((await getJson(system.api(`/projects/${project.id}/pods/${pod}/logs`), intruder)).status).toBe(404);
    expect((await postJson(system.api(`/projects/${project.id}/restart`), {}, intruder)).status).toBe(404);

    const restarted = await postJson(system.api(`/projects/${project.id}/restart`), {}, system.owner);
    expect(restarted.status).toBe(202);
    expect(restarted.body.deployments).toEqual(['kube-co-shop']);
    const after = await getJson(system.api(`/projects/${project.id}/live`), system.owner);
    expect(after.body.pods.map((p: any) => p.name)).not.toContain(pod);
    expect(after.body.pods.every((p: any) => p.startedAt === restarted.body.restartedAt)).toBe(true);
  });

  it('a deploy succeeds only once the rollout is ready, and fails at its deadline when it never is', async () => {
    const { repo, project } = await system.readyProject('kube-co', 'slow', { replicas: 2 });
    await setNeverReady(system.sandbox, project.namespace, true);
    const waiting = await pushToGithub(system.sandbox, system.gateway.url, repo, files('kube-co-slow', 1));
    // SourceDeploy finished, the pods are not ready: the run keeps deploying and says why.
    const held = await pollUntil(
      () => system.runOfDelivery(waiting.deliveryId),
      (run) => /waiting for the rollout/.test(run?.last_error?.message ?? ''),
      { timeoutMs: 30_000, description: 'the run to wait for the rollout' },
    );
    expect(held.status).toBe('deploying');
    expect(held.last_error.message).toContain('kube-co-slow 0/2 ready');
    await setNeverReady(system.sandbox, project.namespace, false);
    expect((await system.untilRunEnds(waiting.deliveryId)).status).toBe('succeeded');

    await setNeverReady(system.sandbox, project.namespace, true);
    const never = await pushToGithub(system.sandbox, system.gateway.url, repo, files('kube-co-slow', 2));
    const failed = await system.untilRunEnds(never.deliveryId, 60_000);
    expect(failed.status).toBe('failed');
    expect(failed.failed_step).toBe('deploy');
    expect(failed.reason).toMatch(
      /applied the manifest but the Deployment did not roll out within .*kube-co-slow 0\/2 ready/,
    );
    // The run as the REST API shows it says the same, once history caught up.
    const shown = await system.untilEnded(failed.id);
    expect(shown).toMatchObject({ status: 'failed', failedStep: 'deploy', reason: failed.reason });
  });

  it('unregistering deletes the namespace labelled as the project, and leaves one that is not', async () => {
    const { project } = await system.readyProject('kube-co', 'gone');
    expect((await sendJson('DELETE', system.api(`/projects/${project.id}`), undefined, system.owner)).status).toBe(202);
    const deleted = await untilDeleted(project.id);
    expect(deleted.unregistration.removed).toContain(`namespace ${project.namespace} and everything in it`);
    await expect(kube.getNamespace(project.namespace)).rejects.toMatchObject({ status: 404 });

    expect((await sendJson('DELETE', system.api(`/projects/${takenProjectId}`), undefined, system.owner)).status).toBe(
      202,
    );
    const left = await untilDeleted(takenProjectId);
    expect(left.unregistration.kept).toContain(
      `namespace ${takenNamespace} (not labelled as this project's, so not deleted)`,
    );
    expect((await kube.getNamespace(takenNamespace)).metadata.labels).toEqual({ team: 'someone-else' });
  });

  function untilDeleted(projectId: string) {
    return pollUntil(
      () => getJson(system.api(`/projects/${projectId}`), system.owner),
      (r) => r.body?.status === 'deleted',
      { timeoutMs: 30_000, description: `project ${projectId} deleted` },
    ).then((r) => r.body);
  }
});

describe('without a kubeconfig', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await TestSystem.start({ withRunner: false });
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('the cluster routes answer 501 with the reason, and the project says what the operator must create', async () => {
    await createGithubRepository(system.sandbox, 'plain-co', 'web');
    const registered = await postJson(system.api('/projects'), { owner: 'plain-co', repo: 'web' }, system.owner);
    expect(registered.status).toBe(202);
    expect(registered.body.cluster.managed).toBe(false);
    expect(registered.body.cluster.operatorMustCreate).toHaveLength(2);
    const ready = await pollUntil(
      () => getJson(system.api(`/projects/${registered.body.id}`), system.owner),
      (r) => r.body?.status === 'ready',
      { timeoutMs: 30_000, description: 'project ready' },
    );
    const namespace = ready.body.namespace;
    expect(ready.body.cluster.operatorMustCreate).toEqual([
      `namespace ${namespace}, labelled app.kubernetes.io/managed-by=klepaas and klepaas.io/project-id=${registered.body.id}`,
      expect.stringContaining(`secret ncp-cr in it, of type kubernetes.io/dockerconfigjson`),
    ]);

    const id = registered.body.id;
    const answers = [
      await getJson(system.api(`/projects/${id}/live`), system.owner),
      await getJson(system.api(`/projects/${id}/pods/web-1/logs`), system.owner),
      await postJson(system.api(`/projects/${id}/restart`), {}, system.owner),
      await postJson(system.api(`/deployments/plain-co/web/restart`), {}, system.owner),
      await getJson(system.api(`/deployments/${namespace}/web/pods`), system.owner),
    ];
    for (const answer of answers) {
      expect(answer.status).toBe(501);
      expect(answer.body.message).toContain('KLEPAAS_KUBECONFIG');
    }
    // Still owner-scoped: another user learns nothing, not even that cluster access is off.
    expect((await getJson(system.api(`/projects/${id}/live`), tokenFor('intruder'))).status).toBe(404);
  });
});
