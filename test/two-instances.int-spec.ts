import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { createNcpClients } from '@klepaas/ncp';
import { createIsolatedInfra, IsolatedInfra, pollUntil } from '@klepaas/testing';
import { gatewayService } from '../apps/gateway/src/gateway.service';
import { historyService } from '../apps/history/src/history.service';
import { mirrorService } from '../apps/mirror/src/mirror.service';
import { provisionerService } from '../apps/provisioner/src/provisioner.service';
import { runnerService } from '../apps/runner/src/runner.service';
import { count, query } from './support/database';
import { openStream } from './support/event-stream-client';
import { pushToGithub } from './support/github-push';
import { postJson, tokenFor } from './support/http';
import { createGithubRepository, RunningSandbox, sandboxEnv, startTestSandbox } from './support/sandbox';
import { StartedService, startService } from './support/services';

const APPS = [gatewayService, provisionerService, mirrorService, runnerService, historyService];
const PROJECTS = 3;
const PUSHES = 3;

/**
 * Every service run twice against one database and one broker, as replicas on Kubernetes are:
 * nothing is done twice, and nothing depends on which replica a request or a message reaches.
 */
describe('two instances of every service', () => {
  let infra: IsolatedInfra;
  let sandbox: RunningSandbox;
  let cacheDirs: string[];
  const services: StartedService[] = [];
  const owner = tokenFor('owner-1');

  beforeAll(async () => {
    infra = await createIsolatedInfra();
    sandbox = await startTestSandbox();
    cacheDirs = [await mkdtemp(join(tmpdir(), 'mirror-a-')), await mkdtemp(join(tmpdir(), 'mirror-b-'))];
    // Both replicas of each service start at once, against an empty database: the migrations race.
    for (const app of APPS) {
      const started = await Promise.all(
        [0, 1].map((i) => startService(app, infra, { ...sandboxEnv(sandbox), KLEPAAS_MIRROR_CACHE_DIR: cacheDirs[i] })),
      );
      services.push(...started);
    }
  }, 120_000);

  afterAll(async () => {
    for (const s of [...services].reverse()) await s.close().catch(() => undefined);
    await sandbox?.close();
    await infra?.dispose();
    for (const dir of cacheDirs ?? []) await rm(dir, { recursive: true, force: true });
  });

  const gateways = () => services.filter((s) => s.config.app === 'gateway');
  const of = (app: string) => services.filter((s) => s.config.app === app);

  it('runs every push once, applies every event once, and streams to a client of either gateway', async () => {
    const [gatewayA, gatewayB] = gateways();
    const migrations = await query(
      infra.databaseUrl,
      `SELECT name, count(*)::int AS n FROM migrations GROUP BY name HAVING count(*) > 1`,
    );
    expect(migrations).toEqual([]);

    // Registrations through either gateway; each project ready once.
    const projects = [];
    for (let i = 0; i < PROJECTS; i++) {
      const gateway = i % 2 ? gatewayB : gatewayA;
      const repo = await createGithubRepository(sandbox, 'twin-co', `app-${i}`);
      const res = await postJson(`${gateway.url}/api/v1/projects`, { owner: 'twin-co', repo: repo.name }, owner);
      expect(res.status).toBe(202);
      projects.push({ repo, id: res.body.id as string });
    }
    for (const p of projects) {
      await pollUntil(
        () => query(infra.databaseUrl, `SELECT status FROM runner_projects WHERE project_id = $1`, [p.id]),
        (rows) => rows[0]?.status === 'ready',
        { timeoutMs: 60_000, description: 'project ready in the runner' },
      );
    }

    // A client on each gateway, for one project's events.
    const watched = projects[0].id;
    const streams = await Promise.all(
      [gatewayA, gatewayB].map((g) => openStream(`${g.url}/api/v1/events?projectId=${watched}`, owner)),
    );
    try {
      expect(streams.map((s) => s.status)).toEqual([200, 200]);

      // Pushes to every project through both gateways, each waiting for the previous run of its project.
      const deliveries: string[] = [];
      for (let n = 1; n <= PUSHES; n++) {
        const sent = await Promise.all(
          projects.map((p, i) =>
            pushToGithub(sandbox, (i + n) % 2 ? gatewayB.url : gatewayA.url, p.repo, {
              Dockerfile: 'FROM scratch\n',
              VERSION: `${n}\n`,
            }),
          ),
        );
        deliveries.push(...sent.map((s) => s.deliveryId));
        await pollUntil(
          () =>
            query(
              infra.databaseUrl,
              `SELECT status FROM runs WHERE delivery_id = ANY($1::text[]) AND status IN ('succeeded','failed','cancelled','superseded')`,
              [sent.map((s) => s.deliveryId)],
            ),
          (rows) => rows.length === sent.length,
          { timeoutMs: 90_000, description: `round ${n} of runs to end` },
        );
      }
      const runs = await query(infra.databaseUrl, `SELECT * FROM runs WHERE delivery_id = ANY($1::text[])`, [
        deliveries,
      ]);
      expect(runs).toHaveLength(PROJECTS * PUSHES);
      expect(runs.every((r: any) => r.status === 'succeeded')).toBe(true);

      // Claimed once: one build and one deploy per run, at NCP too.
      for (const run of runs) {
        for (const type of ['BuildStarted', 'DeployStarted', 'RunCompleted']) {
          const n = await count(
            infra.databaseUrl,
            `SELECT count(*) AS n FROM rm_timeline WHERE correlation_id = $1 AND event_type = $2`,
            [run.id, type],
          );
          expect(`${type}=${n}`).toBe(`${type}=1`);
        }
      }
      const ncp = createNcpClients({
        accessKey: sandbox.options.ncpAccessKey,
        secretKey: sandbox.options.ncpSecretKey,
        endpoints: gatewayA.config.ncp.endpoints,
      });
      try {
        for (const p of projects) {
          const [row] = await query(
            infra.databaseUrl,
            `SELECT sourcebuild_project_id, sourcedeploy_project_id FROM runner_projects WHERE project_id = $1`,
            [p.id],
          );
          expect((await ncp.sourceBuild.listBuildHistory(Number(row.sourcebuild_project_id))).length).toBe(PUSHES);
          expect((await ncp.sourceDeploy.listDeployHistory(Number(row.sourcedeploy_project_id))).length).toBe(PUSHES);
        }
      } finally {
        await ncp.close();
      }

      // The mirror pushed once per request: the two replicas' completed jobs add up to the requests.
      const requests = await count(
        infra.databaseUrl,
        `SELECT count(*) AS n FROM rm_timeline WHERE event_type = 'MirrorRequested' AND correlation_id = ANY($1::text[])`,
        [runs.map((r: any) => r.id)],
      );
      const completed = await Promise.all(of('mirror').map((m) => completedJobs(m.url)));
      expect(completed.reduce((a, b) => a + b, 0)).toBe(requests);
      expect(completed.every((n) => n > 0)).toBe(true); // both replicas took work

      // History applied each event once (its timeline has no unique key to hide a double).
      const [{ total, distinct }] = await query(
        infra.databaseUrl,
        `SELECT count(*)::int AS total, count(DISTINCT event_id)::int AS distinct FROM rm_timeline`,
      );
      expect(total).toBe(distinct);

      // Each gateway's client saw the watched project's runs end.
      const watchedRuns = runs.filter((r: any) => r.project_id === watched).map((r: any) => r.id);
      for (const stream of streams) {
        await pollUntil(
          async () => stream.events.filter((e) => e.event === 'RunCompleted').map((e) => e.data?.payload?.runId),
          (ids) => watchedRuns.every((id: string) => ids.includes(id)),
          { timeoutMs: 30_000, description: 'every run of the watched project on the stream' },
        );
      }
    } finally {
      for (const s of streams) s.close();
    }
  });
});

/** Completed mirror jobs, from a mirror's /metrics. */
async function completedJobs(url: string): Promise<number> {
  const metrics = await (await request(`${url}/metrics`)).body.text();
  const line = metrics.split('\n').find((l) => l.startsWith('klepaas_mirror_job_seconds_count{outcome="completed"}'));
  return line ? Number(line.split(' ').pop()) : 0;
}
