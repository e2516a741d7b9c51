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
  SandboxRepository,
  startTestSandbox,
} from '../../../test/support/sandbox';
import { StartedService, startService, testEnv } from '../../../test/support/services';

/** The whole system in this process (every app but the sandbox-driven outside world), as in production. */
export class TestSystem {
  services: StartedService[] = [];
  readonly owner = tokenFor('owner-1');

  private constructor(
    readonly infra: IsolatedInfra,
    readonly sandbox: RunningSandbox,
  ) {}

  static async start(options: { withRunner?: boolean } = {}): Promise<TestSystem> {
    const system = new TestSystem(await createIsolatedInfra(), await startTestSandbox());
    const env = sandboxEnv(system.sandbox);
    const apps = [gatewayService, provisionerService, mirrorService, historyService];
    if (options.withRunner !== false) apps.push(runnerService);
    for (const app of apps) system.services.push(await startService(app, system.infra, env));
    return system;
  }

  /** The runner as its own process (the built app), so a test can SIGKILL it. */
  startRunnerProcess() {
    const main = require('node:path').join(__dirname, '../../../dist/apps/runner/main.js');
    if (!require('node:fs').existsSync(main))
      throw new Error(`${main} is missing: run "npm run build" (npm test does it)`);
    return require('node:child_process').spawn(process.execPath, [main], {
      env: {
        ...process.env,
        ...testEnv('runner', this.infra, {
          ...sandboxEnv(this.sandbox),
          KLEPAAS_LOG_LEVEL: process.env.KLEPAAS_TEST_LOG_LEVEL ?? 'warn',
        }),
      },
      stdio: ['ignore', process.env.KLEPAAS_TEST_LOG_LEVEL ? 'inherit' : 'ignore', 'inherit'],
    }) as import('node:child_process').ChildProcess;
  }

  get gateway(): StartedService {
    return this.services[0];
  }

  async stop(): Promise<void> {
    for (const s of this.services.reverse()) await s.close().catch(() => undefined);
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

  private ncp() {
    return createNcpClients({
      accessKey: this.sandbox.options.ncpAccessKey,
      secretKey: this.sandbox.options.ncpSecretKey,
      endpoints: this.services[1].config.ncp.endpoints,
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
