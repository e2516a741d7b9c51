import { randomUUID } from 'node:crypto';
import { Events } from '@klepaas/contracts';
import { createIsolatedInfra, IsolatedInfra, pollUntil } from '@klepaas/testing';
import { gatewayService } from '../../gateway/src/gateway.service';
import { historyService } from '../src/history.service';
import { getJson, tokenFor } from '../../../test/support/http';
import { StartedService, startService } from '../../../test/support/services';
import { EventFeed, readyProject, RunScript, sha } from './run-fixtures';

const MINUTE = 60_000;

/**
 * The DORA figures of a history built through the real projection (events on the broker, history
 * projecting them), with every figure worked out by hand below. Times are explicit, five days
 * ago, so each duration is exact.
 */
describe('delivery stats (DORA figures)', () => {
  let infra: IsolatedInfra;
  let gateway: StartedService;
  let history: StartedService;
  let feed: EventFeed;
  const alice = tokenFor('alice');
  const bob = tokenFor('bob');
  const t0 = Date.now() - 5 * 24 * 60 * MINUTE;
  const at = (minutes: number) => new Date(t0 + minutes * MINUTE);

  beforeAll(async () => {
    infra = await createIsolatedInfra();
    gateway = await startService(gatewayService, infra);
    history = await startService(historyService, infra);
    feed = await EventFeed.open(infra);
  });

  afterAll(async () => {
    await feed?.close();
    await gateway?.close();
    await history?.close();
    await infra?.dispose();
  });

  const stats = (path: string, token = alice) => getJson(`${gateway.url}/api/v1/${path}`, token);

  /** A push of these commits (sha, minute it was made), as the gateway announces it. */
  async function push(repositoryId: number, commits: [string, number][]) {
    const listed = commits.map(([id, minute]) => ({
      id,
      message: `change ${id.slice(-4)}`,
      timestamp: at(minute).toISOString().replace('Z', '+00:00'),
      added: [],
      removed: [],
      modified: ['src/app.js'],
    }));
    await feed.publish(Events.PushReceived, {
      deliveryId: randomUUID(),
      repository: { id: repositoryId, owner: 'alice', name: 'app', fullName: 'alice/app' },
      installationId: null,
      ref: 'refs/heads/main',
      branch: 'main',
      tag: null,
      before: sha(0),
      after: listed[listed.length - 1].id,
      created: false,
      deleted: false,
      forced: false,
      headCommit: listed[listed.length - 1],
      commits: listed,
      pusher: { name: 'alice' },
      sender: null,
    });
  }

  /** A run that reaches SourceDeploy at `start` and ends it at `end` (minutes after t0). */
  async function deployment(
    projectId: string,
    options: { commitSha: string; type?: 'push' | 'rollback' | 'scale'; rollbackOf?: string },
    start: number,
    end: number,
    outcome: 'succeeded' | 'failed',
  ): Promise<string> {
    const script = new RunScript(feed, projectId, { commitSha: options.commitSha, type: options.type });
    const queued = script.queued({ rollbackOf: options.rollbackOf }, at(start - 1));
    await feed.send(
      queued,
      script.deployStarted(at(start)),
      outcome === 'succeeded'
        ? script.deploySucceeded(at(end))
        : feed.envelope(
            Events.DeployFailed,
            {
              runId: script.runId,
              projectId,
              historyId: `history-${script.runId.slice(0, 8)}`,
              status: 'FAILED',
              error: { message: 'rollout did not become ready', code: 'deploy-failed' },
            },
            at(end),
          ),
      script.completed(
        outcome,
        at(start - 1),
        outcome === 'failed' ? { reason: 'deploy failed', failedStep: 'deploy' } : {},
        at(end),
      ),
    );
    return script.runId;
  }

  it("matches the hand-computed figures of a history with a rollback, a failed deploy, scaling, a failed build and an older deploy, for the owner's eyes only", async () => {
    const projectId = await readyProject(feed, gateway.url, 'alice', alice);
    const repositoryId = (await stats(`projects/${projectId}`)).body.githubRepositoryId;

    // 40 days before: a change deployed (outside 30 days, inside 90; no commit time known).
    await deployment(projectId, { commitSha: sha(10) }, -40 * 24 * 60, -40 * 24 * 60 + 10, 'succeeded');
    await push(repositoryId, [[sha(11), 0]]);
    await push(repositoryId, [[sha(12), 60]]);
    await push(repositoryId, [[sha(13), 200]]);
    await push(repositoryId, [
      [sha(14), 200],
      [sha(15), 220],
    ]);
    // A: commit at 0, deployed 10..20 (lead 20 min).
    const a = await deployment(projectId, { commitSha: sha(11) }, 10, 20, 'succeeded');
    // B: commit at 60, deployed 70..90 (lead 30 min); the next deployment rolls back, so B failed.
    await deployment(projectId, { commitSha: sha(12) }, 70, 90, 'succeeded');
    // R: the rollback to A, 100..105: restores B after 105 - 90 = 15 min.
    await deployment(projectId, { commitSha: sha(11), type: 'rollback', rollbackOf: a }, 100, 105, 'succeeded');
    // C: commit at 200, its deploy fails at 215 (a failed change, no lead time).
    await deployment(projectId, { commitSha: sha(13) }, 210, 215, 'failed');
    // S: scaling at 220..222 is no change and restores nothing.
    await deployment(projectId, { commitSha: sha(11), type: 'scale' }, 220, 222, 'succeeded');
    // D: head commit at 220, deployed 240..260 (lead 40 min); restores C after 260 - 215 = 45 min.
    await deployment(projectId, { commitSha: sha(15) }, 240, 260, 'succeeded');
    // E: a build that fails never reaches SourceDeploy: no deployment at all.
    const e = new RunScript(feed, projectId, { commitSha: sha(16) });
    const eQueued = e.queued({}, at(300));
    await feed.send(
      eQueued,
      e.buildFailed(at(305)),
      e.completed('failed', at(300), { failedStep: 'build', reason: 'build failed' }, at(306)),
    );

    // Bob's project with a failed deploy: never in Alice's figures.
    const bobsProject = await readyProject(feed, gateway.url, 'bob', bob);
    await deployment(bobsProject, { commitSha: sha(20) }, 30, 40, 'failed');

    await pollUntil(
      () => stats(`projects/${projectId}/deployments?limit=100`),
      (r) => r.body.items?.length === 7 && r.body.items.every((d: any) => d.status !== 'deploying'),
      { description: "Alice's seven deployments projected and finished" },
    );
    await pollUntil(
      () => stats(`projects/${projectId}/stats?window=30d`),
      (r) => r.body.leadTimeForChanges?.samples === 3,
      { description: 'the commit times projected' },
    );
    await pollUntil(
      () => stats(`projects/${bobsProject}/deployments`, bob),
      (r) => r.body.items?.[0]?.status === 'failed',
      { description: "Bob's failed deployment projected" },
    );

    const month = await stats(`projects/${projectId}/stats?window=30d`);
    expect(month.status).toBe(200);
    expect(month.body).toMatchObject({
      window: '30d',
      projects: 1,
      // A, B and D shipped (R is a rollback, S scaling, C failed): 3 in 30 days.
      deploymentFrequency: { deployments: 3, perDay: 0.1, rollbacks: 1 },
      // 20, 30 and 40 minutes: p50 30, p90 30 + 0.8 * 10 = 38 (linear interpolation).
      leadTimeForChanges: { p50Ms: 30 * MINUTE, p90Ms: 38 * MINUTE, samples: 3 },
      // B (rolled back) and C (deploy failed) of A, B, C, D.
      changeFailureRate: { rate: 0.5, failedChanges: 2, changes: 4 },
      // 15 and 45 minutes: p50 30, p90 15 + 0.9 * 30 = 42.
      timeToRestore: { p50Ms: 30 * MINUTE, p90Ms: 42 * MINUTE, restored: 2, unrestored: 0 },
    });
    expect(Date.parse(month.body.to) - Date.parse(month.body.from)).toBe(30 * 24 * 60 * MINUTE);

    // 90 days adds the older change: it shipped, was not rolled back, and has no commit time.
    const quarter = await stats(`projects/${projectId}/stats?window=90d`);
    expect(quarter.body).toMatchObject({
      deploymentFrequency: { deployments: 4, perDay: 0.044, rollbacks: 1 },
      leadTimeForChanges: { samples: 3 },
      changeFailureRate: { rate: 0.4, failedChanges: 2, changes: 5 },
    });

    // All of Alice's projects: this one only; Bob's has its own failure.
    const mine = await stats('stats?window=30d');
    expect(mine.status).toBe(200);
    expect({ ...mine.body, from: undefined, to: undefined }).toEqual({ ...month.body, from: undefined, to: undefined });
    const bobs = await stats('stats?window=7d', bob);
    expect(bobs.body).toMatchObject({
      window: '7d',
      projects: 1,
      deploymentFrequency: { deployments: 0, perDay: 0, rollbacks: 0 },
      leadTimeForChanges: { p50Ms: null, p90Ms: null, samples: 0 },
      changeFailureRate: { rate: 1, failedChanges: 1, changes: 1 },
      timeToRestore: { p50Ms: null, p90Ms: null, restored: 0, unrestored: 1 },
    });

    // Another owner's project is not found; a bad window is refused.
    expect((await stats(`projects/${projectId}/stats`, bob)).status).toBe(404);
    for (const window of ['0d', '366d', '30', 'abc', '1e2d', '30d&window=7d'])
      expect((await stats(`projects/${projectId}/stats?window=${encodeURIComponent(window)}`)).status).toBe(400);
    expect((await stats('stats?window=7d&window=30d')).status).toBe(400);
    expect((await stats(`projects/${projectId}/stats`)).body.window).toBe('30d');
  });

  it('describes both stats routes in the OpenAPI document, behind the bearer token', async () => {
    const { body } = await getJson(`${gateway.url}/api/docs-json`);
    for (const path of ['/api/v1/projects/{id}/stats', '/api/v1/stats']) {
      const operation = body.paths[path]?.get;
      expect({ path, summary: operation?.summary }).toEqual({ path, summary: expect.any(String) });
      expect(operation.security).toEqual([{ bearer: [] }]);
      expect(operation.parameters.map((p: { name: string }) => p.name)).toContain('window');
    }
  });
});
