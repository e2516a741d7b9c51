import { pollUntil } from '@klepaas/testing';
import { commitToGithub, notifyPush, pushToGithub } from '../../../test/support/github-push';
import { getJson } from '../../../test/support/http';
import { cloneInto, git } from '../../sandbox/test/support/git';
import { createNcpClients } from '@klepaas/ncp';
import { readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { TestSystem } from './system';

const manifest = (app: string) => `# The shop's web tier: this comment must survive every deploy
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${app}
spec:
  replicas: 1
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
          image: placeholder/${app}:none # set by K-Le-PaaS on each deploy
          ports:
            - containerPort: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: ${app}
spec:
  selector:
    app: ${app}
  ports:
    - port: 80
      targetPort: 8080
`;
const app = (name: string) => ({ Dockerfile: 'FROM scratch\n', 'k8s/deployment.yaml': manifest(name) });

describe('push to deploy', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await TestSystem.start();
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('deploys a signed push: the new image and replicas in SourceCommit, comments kept, and on the cluster', async () => {
    const { repo, project } = await system.readyProject('shop-co', 'shop', { replicas: 2 });
    const pushed = await pushToGithub(system.sandbox, system.gateway.url, repo, app('shop-co-shop'), {
      message: 'feat: shop',
    });
    expect(pushed.status).toBe(202);
    const run = await system.untilRunEnds(pushed.deliveryId);
    expect(run).toMatchObject({ status: 'succeeded', commit_sha: pushed.sha, replicas: 2 });
    const image = system.imageFor('shop-co-shop', pushed.sha);
    expect(run.image).toBe(image);
    expect((await system.steps(run.id)).map((s: any) => [s.name, s.status])).toEqual([
      ['build', 'succeeded'],
      ['deploy', 'succeeded'],
      ['mirror', 'succeeded'],
    ]);

    // SourceCommit holds the manifest with the new image and replicas, its comments kept.
    const ncp = createNcpClients({
      accessKey: system.sandbox.options.ncpAccessKey,
      secretKey: system.sandbox.options.ncpSecretKey,
      endpoints: system.services[1].config.ncp.endpoints,
    });
    const detail = await ncp.sourceCommit.getRepository(project.ncp.sourceCommitRepository as string);
    await ncp.close();
    const dir = await cloneInto(detail.git?.https as string, {
      username: system.sandbox.options.sourceCommitUsername,
      password: system.sandbox.options.sourceCommitPassword,
    });
    try {
      await git(['checkout', '--quiet', 'klepaas-deploy'], { cwd: dir });
      const deployed = await readFile(join(dir, 'k8s/deployment.yaml'), 'utf8');
      expect(deployed).toContain(`image: ${image}`);
      expect(deployed).toMatch(/replicas: 2/);
      expect(deployed).toContain("# The shop's web tier: this comment must survive every deploy");
      expect(deployed).toContain('# set by K-Le-PaaS on each deploy');
    } finally {
      await rm(dirname(dir), { recursive: true, force: true });
    }

    // And the cluster runs that image.
    const cluster = await system.cluster();
    const deployment = cluster.deployments.find(
      (d: any) => d.namespace === project.namespace && d.name === 'shop-co-shop',
    );
    expect(deployment).toMatchObject({ replicas: 2, containers: [{ name: 'shop-co-shop', image }] });

    // The run and its NCP calls are in the runner's /metrics, the delivery in the gateway's.
    const runner = system.services.find((s) => s.config.app === 'runner')!;
    const metrics = (url: string) => fetch(`${url}/metrics`).then((r) => r.text());
    const runnerMetrics = await pollUntil(
      () => metrics(runner.url),
      (text) => /klepaas_run_step_duration_seconds_count\{step="deploy",outcome="succeeded"\} [1-9]/.test(text),
      { description: "the run's step durations in the runner's /metrics" },
    );
    expect(runnerMetrics).toMatch(/klepaas_runs_total\{trigger="push",outcome="succeeded"\} [1-9]/);
    expect(runnerMetrics).toMatch(/klepaas_run_queue_seconds_count\{trigger="push"\} [1-9]/);
    expect(runnerMetrics).toMatch(/klepaas_run_step_duration_seconds_count\{step="build",outcome="succeeded"\} [1-9]/);
    expect(runnerMetrics).toMatch(/klepaas_runs_active\{status="deploying"\} 0/);
    expect(runnerMetrics).toMatch(/klepaas_runs_past_deadline 0/);
    expect(runnerMetrics).toMatch(
      /klepaas_ncp_calls_total\{service="SourceBuild",operation="POST \/api\/v1\/project\/:id\/build",status="200"\} [1-9]/,
    );
    expect(runnerMetrics).toMatch(/klepaas_ncp_call_seconds_count\{service="SourceDeploy",operation="[^"]+"\} [1-9]/);
    expect(runnerMetrics).toMatch(/klepaas_outbox_backlog\{table="runner_outbox"\} \d/);
    const gatewayMetrics = await metrics(system.gateway.url);
    expect(gatewayMetrics).toMatch(/klepaas_webhook_deliveries_total\{event="push",outcome="202"\} [1-9]/);
    // The gateway asked GitHub about the repository and the caller's permission when registering it.
    expect(gatewayMetrics).toMatch(/klepaas_github_calls_total\{operation="GET \/repos\/:x\/:x",status="200"\} [1-9]/);
  });

  it('ends a build without a Dockerfile failed at build, with NCP failedPhase, and deploys nothing', async () => {
    const { repo } = await system.readyProject('shop-co', 'no-docker');
    const pushed = await pushToGithub(system.sandbox, system.gateway.url, repo, {
      'k8s/deployment.yaml': manifest('shop-co-no-docker'),
    });
    const run = await system.untilRunEnds(pushed.deliveryId);
    expect(run).toMatchObject({ status: 'failed', failed_step: 'build', deploy_history_id: null });
    const steps = Object.fromEntries((await system.steps(run.id)).map((s: any) => [s.name, s]));
    expect(steps.build).toMatchObject({ status: 'failed', failed_phase: 'build' });
    expect(steps.deploy.status).toBe('skipped');
    const cluster = await system.cluster();
    expect(cluster.deployments.some((d: any) => d.name === 'shop-co-no-docker')).toBe(false);
  });

  it('deploys the branch head once for three quick pushes: the later deliveries find it already on its way', async () => {
    const { repo, project } = await system.readyProject('shop-co', 'busy');
    const files = app('shop-co-busy');
    const shas = [];
    for (const n of [1, 2, 3])
      shas.push(await commitToGithub(system.sandbox, repo, { ...files, VERSION: `${n}\n` }, { message: `v${n}` }));
    const deliveries = [];
    for (const [i, sha] of shas.entries())
      deliveries.push(await notifyPush(system.gateway.url, repo, sha, files, { message: `v${i + 1}` }));
    // The first push is decided once all three commits are on GitHub: it deploys the head.
    const run = await system.untilRunEnds(deliveries[0].deliveryId, 60_000);
    expect(run).toMatchObject({ status: 'succeeded', commit_sha: shas[2] });
    const outcome = (id: string) => getJson(`${system.gateway.url}/api/v1/deliveries/${id}`, system.owner);
    for (const later of deliveries.slice(1)) {
      const decided = await pollUntil(
        () => outcome(later.deliveryId),
        (r) => r.body?.status === 'skipped',
      );
      expect(decided.body).toMatchObject({ rule: 'up-to-date', reason: expect.stringMatching(shas[2].slice(0, 7)) });
    }
    expect((await system.runs(project.id)).map((r: any) => r.commit_sha)).toEqual([shas[2]]);
    expect(await system.ncpBuildCount(Number(project.ncp.sourceBuildProjectId))).toBe(1);
    const cluster = await system.cluster();
    const deployment = cluster.deployments.find((d: any) => d.namespace === project.namespace);
    expect(deployment.containers[0].image).toBe(system.imageFor('shop-co-busy', shas[2]));
  });

  it('makes no second run of a redelivered webhook, and records why a push deploys nothing', async () => {
    const { repo } = await system.readyProject('shop-co', 'careful');
    const files = app('shop-co-careful');
    const first = await pushToGithub(system.sandbox, system.gateway.url, repo, files);
    const again = await notifyPush(system.gateway.url, repo, first.sha, files, { deliveryId: first.deliveryId });
    expect(again.status).toBe(200);
    await system.untilRunEnds(first.deliveryId);

    const other = await pushToGithub(system.sandbox, system.gateway.url, repo, files, { branch: 'feature/x' });
    const skipped = await pushToGithub(system.sandbox, system.gateway.url, repo, files, {
      message: 'docs only [skip ci]',
    });
    const outcome = (id: string) => getJson(`${system.gateway.url}/api/v1/deliveries/${id}`, system.owner);
    const a = await pollUntil(
      () => outcome(other.deliveryId),
      (r) => r.body?.status === 'skipped',
    );
    expect(a.body).toMatchObject({ rule: 'branch', reason: expect.stringMatching(/feature\/x/) });
    const b = await pollUntil(
      () => outcome(skipped.deliveryId),
      (r) => r.body?.status === 'skipped',
    );
    expect(b.body).toMatchObject({ rule: 'skip-ci', reason: expect.stringMatching(/\[skip ci\]/) });
    const ran = await pollUntil(
      () => outcome(first.deliveryId),
      (r) => r.body?.status === 'run',
    );
    expect(ran.body.runId).toEqual(expect.any(String));
    expect(await system.runOfDelivery(other.deliveryId)).toBeUndefined();
    expect(await system.runOfDelivery(skipped.deliveryId)).toBeUndefined();
  });
});
