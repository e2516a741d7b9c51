import { createIsolatedInfra, IsolatedInfra, pollUntil } from '@klepaas/testing';
import { gatewayService } from '../../apps/gateway/src/gateway.service';
import { historyService } from '../../apps/history/src/history.service';
import { mirrorService } from '../../apps/mirror/src/mirror.service';
import { provisionerService } from '../../apps/provisioner/src/provisioner.service';
import { runnerService } from '../../apps/runner/src/runner.service';
import { count } from './database';
import { getJson, postJson, tokenFor } from './http';
import { LocalRabbitCluster } from './rabbitmq-cluster';
import { createGithubRepository, RunningSandbox, sandboxEnv, SandboxRepository, startTestSandbox } from './sandbox';
import { StartedService, startService } from './services';

/**
 * The whole system (every app in this process, the sandbox outside) on a RabbitMQ cluster of
 * its own: each service is given every node's URL and fails over between them.
 */
export class ClusterSystem {
  services: StartedService[] = [];
  readonly owner = tokenFor('owner-1');

  private constructor(
    readonly infra: IsolatedInfra,
    readonly cluster: LocalRabbitCluster,
    readonly sandbox: RunningSandbox,
  ) {}

  static async start(): Promise<ClusterSystem> {
    const cluster = await LocalRabbitCluster.start();
    // The test's own database; its broker is the cluster (the vhost made on the machine's broker stays unused).
    const own = await createIsolatedInfra();
    const infra: IsolatedInfra = { ...own, rabbitmqUrl: cluster.urls.join(',') };
    const system = new ClusterSystem(infra, cluster, await startTestSandbox());
    const env = sandboxEnv(system.sandbox);
    for (const app of [gatewayService, provisionerService, mirrorService, historyService, runnerService]) {
      system.services.push(await startService(app, infra, env));
    }
    return system;
  }

  get gateway(): StartedService {
    return this.services[0];
  }

  async stop(): Promise<void> {
    for (const s of [...this.services].reverse()) await s.close().catch(() => undefined);
    await this.sandbox.close().catch(() => undefined);
    await this.cluster.stop().catch(() => undefined);
    await this.infra.dispose();
  }

  /** A GitHub repository registered as a ready project. */
  async readyProject(owner: string, name: string): Promise<SandboxRepository> {
    const repo = await createGithubRepository(this.sandbox, owner, name);
    const res = await postJson(`${this.gateway.url}/api/v1/projects`, { owner, repo: name }, this.owner);
    if (res.status !== 202) throw new Error(`registration answered ${res.status}: ${JSON.stringify(res.body)}`);
    await pollUntil(
      () => getJson(`${this.gateway.url}/api/v1/projects/${res.body.id}`, this.owner),
      (r) => r.body?.status === 'ready',
      { timeoutMs: 60_000, description: 'project ready' },
    );
    return repo;
  }

  count(sql: string, params: unknown[] = []): Promise<number> {
    return count(this.infra.databaseUrl, sql, params);
  }
}
