import { createNcpClients } from '@klepaas/ncp';
import { createIsolatedInfra, IsolatedInfra, pollUntil } from '@klepaas/testing';
import { gatewayService } from '../../gateway/src/gateway.service';
import { historyService } from '../../history/src/history.service';
import { mirrorService } from '../../mirror/src/mirror.service';
import { provisionerService } from '../../provisioner/src/provisioner.service';
import { runnerService } from '../src/runner.service';
import { query } from '../../../test/support/database';
import { getJson, postJson, tokenFor } from '../../../test/support/http';
import {
  createGithubRepository,
  RunningSandbox,
  sandboxEnv,
  sandboxKubeEnv,
  SandboxRepository,
  startTestSandbox,
} from '../../../test/support/sandbox';
import { StartedService, startService, testEnv } from '../../../test/support/services';
import type { SandboxOptions } from '../../sandbox/src/config/sandbox-options';

/** The whole system in this process (every app but the sandbox-driven outside world), as in production. */
export class TestSystem {
  services: StartedService[] = [];
  readonly owner = tokenFor('owner-1');

  private constructor(
    readonly infra: IsolatedInfra,
    readonly sandbox: RunningSandbox,
  ) {}

  private runnerEnv: Record<string, string> = {};
  /** What every service gets besides the sandbox's settings (cluster access, with `kube`). */
  private commonEnv: Record<string, string> = {};

  /**
   * `runnerEnv`: the runner's own settings (short step timeouts, a short lease, a reconcile
   * interval), for the runner started here and for any started later.
   */
  static async start(
    options: {
      withRunner?: boolean;
      withProvisioner?: boolean;
      runnerEnv?: Record<string, string>;
      sandbox?: Partial<SandboxOptions>;
      /** Every service gets a kubeconfig for the sandbox's Kubernetes API (docs/cluster.md). */
      kube?: boolean;
      /** Settings every service gets. */
      env?: Record<string, string>;
    } = {},
  ): Promise<TestSystem> {
    const system = new TestSystem(await createIsolatedInfra(), await startTestSandbox(options.sandbox));
    system.runnerEnv = options.runnerEnv ?? {};
    system.commonEnv = { ...(options.kube ? sandboxKubeEnv(system.sandbox) : {}), ...options.env };
    const env = system.env();
    const apps = [gatewayService, mirrorService, historyService];
    if (options.withProvisioner !== false) apps.splice(1, 0, provisionerService);
    for (const app of apps) system.services.push(await startService(app, system.infra, env));
    if (options.withRunner !== false) await system.startRunner();
    return system;
  }

  /** The settings services of this system get: the sandbox's, and what every service was given. */
  env(): Record<string, string> {
    return { ...sandboxEnv(this.sandbox), ...this.commonEnv };
  }

  /** One more runner in this process (several share the work, as replicas do). */
  async startRunner(env: Record<string, string> = {}): Promise<StartedService> {
    const runner = await startService(runnerService, this.infra, {
      ...this.env(),
      ...this.runnerEnv,
      ...env,
    });
    this.services.push(runner);
    return runner;
  }

  /**
   * The runner as its own process (the built app), so a test can SIGKILL or SIGSTOP it.
   * `nodeArgs` go to node itself (e.g. `-r` a preload that skews the clock).
   */
  startRunnerProcess(env: Record<string, string> = {}, nodeArgs: string[] = []) {
    return this.startProcess('runner', { ...this.runnerEnv, ...env }, nodeArgs);
  }

  /** Any app as its own process (the built app) against this system's database, broker and sandbox. */
  startProcess(app: string, env: Record<string, string> = {}, nodeArgs: string[] = []) {
    const main = require('node:path').join(__dirname, `../../../dist/apps/${app}/main.js`);
    if (!require('node:fs').existsSync(main))
      throw new Error(`${main} is missing: run "npm run build" (npm test does it)`);
    const child = require('node:child_process').spawn(process.execPath, [...nodeArgs, main], {
      env: {
        ...process.env,
        ...testEnv(app, this.infra, {
          ...this.env(),
          KLEPAAS_LOG_LEVEL: process.env.KLEPAAS_TEST_LOG_LEVEL ?? 'warn',
          ...env,
        }),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    }) as import('node:child_process').ChildProcess & { output: string };
    // Read (so the pipes never fill) and kept, for a test to look for a log line or a pause point.
    child.output = '';
    const keep = (echo: NodeJS.WriteStream) => (chunk: Buffer) => {
      child.output = (child.output + chunk.toString('utf8')).slice(-262_144);
      if (process.env.KLEPAAS_TEST_LOG_LEVEL) echo.write(chunk);
    };
    child.stdout!.on('data', keep(process.stdout));
    child.stderr!.on('data', keep(process.stderr));
    return child;
  }

  get gateway(): StartedService {
    return this.services[0];
  }

  api(path: string): string {
    return `${this.gateway.url}/api/v1${path}`;
  }

  /** Posts a command as the owner; expects 202 and returns the run id it names. */
  async command(path: string, body: unknown = {}): Promise<string> {
    const res = await postJson(this.api(path), body, this.owner);
    if (res.status !== 202) throw new Error(`${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body.runId as string;
  }

  /** The run as the REST API shows it, once it has ended. */
  untilEnded(runId: string, timeoutMs = 45_000) {
    return pollUntil(
      () => getJson(this.api(`/runs/${runId}`), this.owner),
      (r) => ['succeeded', 'failed', 'cancelled', 'superseded'].includes(r.body?.status),
      { timeoutMs, description: `run ${runId} to end` },
    ).then((r) => r.body);
  }

  /** What became of a delivery, once the runner decided. */
  untilDecided(deliveryId: string) {
    return pollUntil(
      () => getJson(this.api(`/deliveries/${deliveryId}`), this.owner),
      (r) => r.body?.status === 'skipped' || r.body?.status === 'run',
      { timeoutMs: 30_000, description: `delivery ${deliveryId} to be decided` },
    ).then((r) => r.body);
  }

  /** The runner's own record of a project (desired and deployed state). */
  runnerProject(projectId: string) {
    return query(this.infra.databaseUrl, `SELECT * FROM runner_projects WHERE project_id = $1`, [projectId]).then(
      (rows) => rows[0],
    );
  }

  /** A deployment on the sandbox's cluster. */
  async deployment(namespace: string, name: string) {
    const cluster = await this.cluster();
    return cluster.deployments.find((d: any) => d.namespace === namespace && d.name === name);
  }

  async stop(): Promise<void> {
    for (const s of [...this.services].reverse()) await s.close().catch(() => undefined);
    await this.sandbox.close();
    await this.infra.dispose();
  }

  /** A GitHub repository registered as a ready project; returns both. */
  async readyProject(owner: string, name: string, settings: Record<string, unknown> = {}) {
    const repo: SandboxRepository = await createGithubRepository(this.sandbox, owner, name);
    const res = await postJson(`${this.gateway.url}/api/v1/projects`, { owner, repo: name, ...settings }, this.owner);
    if (res.status !== 202) throw new Error(`registration answered ${res.status}: ${JSON.stringify(res.body)}`);
    const project = await pollUntil(
      () => getJson(`${this.gateway.url}/api/v1/projects/${res.body.id}`, this.owner),
      (r) => r.body?.status === 'ready',
      { timeoutMs: 30_000, description: 'project ready' },
    );
    if (this.services.some((s) => s.config.app === 'runner')) await this.untilRunnerReady(res.body.id);
    return { repo, project: project.body };
  }

  /**
   * Until the runner knows the project is ready and has looked at its branch once (the reconcile
   * a project gets when it becomes ready): a push sent before that could race that first look.
   */
  untilRunnerReady(projectId: string) {
    return pollUntil(
      () =>
        query(
          this.infra.databaseUrl,
          `SELECT p.status, (SELECT count(*) FROM runner_triggers t WHERE t.project_id = p.project_id
             AND t.kind = 'reconcile' AND t.status <> 'pending')::int AS looked
             FROM runner_projects p WHERE p.project_id = $1`,
          [projectId],
        ),
      (rows) => rows[0]?.status === 'ready' && rows[0].looked > 0,
      { timeoutMs: 30_000, description: 'the runner to look at the new project' },
    );
  }

  /** The runner's record of the runs of a project (what the REST API reads from history). */
  runs(projectId: string) {
    return query(this.infra.databaseUrl, `SELECT * FROM runs WHERE project_id = $1 ORDER BY created_at`, [projectId]);
  }

  runOfDelivery(deliveryId: string) {
    return query(this.infra.databaseUrl, `SELECT * FROM runs WHERE delivery_id = $1`, [deliveryId]).then((r) => r[0]);
  }

  steps(runId: string) {
    return query(this.infra.databaseUrl, `SELECT * FROM run_steps WHERE run_id = $1 ORDER BY name`, [runId]);
  }

  untilRunEnds(deliveryId: string, timeoutMs = 30_000) {
    return pollUntil(
      () => this.runOfDelivery(deliveryId),
      (run) => ['succeeded', 'failed', 'cancelled', 'superseded'].includes(run?.status),
      { timeoutMs, description: `the run of delivery ${deliveryId} to end` },
    );
  }

  /** NCP clients with the sandbox's keys (the caller closes them). */
  ncp() {
    return createNcpClients({
      accessKey: this.sandbox.options.ncpAccessKey,
      secretKey: this.sandbox.options.ncpSecretKey,
      endpoints: this.gateway.config.ncp.endpoints,
    });
  }

  async ncpBuildCount(buildProjectId: number): Promise<number> {
    const ncp = this.ncp();
    try {
      return (await ncp.sourceBuild.listBuildHistory(buildProjectId)).length;
    } finally {
      await ncp.close();
    }
  }

  async ncpDeployCount(deployProjectId: number): Promise<number> {
    const ncp = this.ncp();
    try {
      return (await ncp.sourceDeploy.listDeployHistory(deployProjectId)).length;
    } finally {
      await ncp.close();
    }
  }

  cluster() {
    return getJson(`${this.sandbox.url}/_sandbox/cluster`).then((r) => r.body);
  }

  /** The image reference the runner gives a commit of a project. */
  imageFor(imageName: string, sha: string): string {
    return `${new URL(this.sandbox.url).host}/${imageName}:${sha.slice(0, 7)}`;
  }
}
