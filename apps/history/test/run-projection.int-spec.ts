import { createIsolatedInfra, IsolatedInfra, pollUntil } from '@klepaas/testing';
import { gatewayService } from '../../gateway/src/gateway.service';
import { historyService } from '../src/history.service';
import { count } from '../../../test/support/database';
import { getJson, tokenFor } from '../../../test/support/http';
import { StartedService, startService } from '../../../test/support/services';
import { EventFeed, readyProject, RunScript, sha } from './run-fixtures';

describe('the run read model', () => {
  let infra: IsolatedInfra;
  let gateway: StartedService;
  let history: StartedService;
  let feed: EventFeed;
  const alice = tokenFor('alice');
  const bob = tokenFor('bob');

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

  const run = (id: string, token = alice) => getJson(`${gateway.url}/api/v1/runs/${id}`, token);
  const untilRun = (id: string, accept: (body: any) => boolean, description: string) =>
    pollUntil(
      () => run(id),
      (r) => r.status === 200 && accept(r.body),
      { description },
    ).then((r) => r.body);
  const project = (id: string) => getJson(`${gateway.url}/api/v1/projects/${id}`, alice).then((r) => r.body);
  const stepOf = (body: any, name: string) => body.steps.find((s: any) => s.name === name);

  it('follows a run from queued through mirroring, building and deploying to succeeded, with times, NCP ids and a timeline', async () => {
    const projectId = await readyProject(feed, gateway.url, 'alice', alice);
    const script = new RunScript(feed, projectId, { commitSha: sha(1) });
    const [queued, mirrorRequested, mirrorCompleted, buildStarted, buildSucceeded, deployStarted, ...rest] =
      script.succeeded();

    await feed.send(queued);
    const first = await untilRun(script.runId, (b) => b.status === 'queued', 'the run queued');
    expect(first).toMatchObject({
      id: script.runId,
      projectId,
      status: 'queued',
      trigger: { type: 'push', commitSha: sha(1), ref: 'main', deliveryId: script.trigger.deliveryId },
      image: script.image,
      replicas: 2,
      createdAt: queued.occurredAt,
    });
    expect(first.steps).toEqual([
      { name: 'mirror', status: 'pending' },
      { name: 'build', status: 'pending' },
      { name: 'deploy', status: 'pending' },
    ]);
    expect((await project(projectId)).lastRun).toEqual({
      id: script.runId,
      status: 'queued',
      commitSha: sha(1),
      createdAt: queued.occurredAt,
    });

    await feed.send(mirrorRequested, mirrorCompleted, buildStarted);
    const building = await untilRun(
      script.runId,
      (b) => b.status === 'building' && stepOf(b, 'mirror').status === 'succeeded' && stepOf(b, 'build').ncp,
      'the run building, its mirror done',
    );
    expect(stepOf(building, 'mirror')).toEqual({
      name: 'mirror',
      status: 'succeeded',
      startedAt: mirrorRequested.occurredAt,
      finishedAt: mirrorCompleted.occurredAt,
      ncp: { sourceCommitRepository: 'acme-app', branch: 'klepaas-deploy', mirroredCommit: sha(999) },
    });
    expect(stepOf(building, 'build')).toEqual({
      name: 'build',
      status: 'running',
      startedAt: buildStarted.occurredAt,
      ncp: { buildProjectId: '11', buildId: `build-${script.runId.slice(0, 8)}` },
    });

    await feed.send(buildSucceeded, deployStarted);
    await untilRun(script.runId, (b) => b.status === 'deploying', 'the run deploying');
    const deploying = await getJson(`${gateway.url}/api/v1/projects/${projectId}/deployments`, alice);
    expect(deploying.body.items).toEqual([expect.objectContaining({ id: script.runId, status: 'deploying' })]);

    await feed.send(...rest);
    const done = await untilRun(
      script.runId,
      (b) => b.status === 'succeeded' && stepOf(b, 'deploy').status === 'succeeded',
      'the run and its deploy succeeded',
    );
    const completed = rest[rest.length - 1];
    expect(done.finishedAt).toBe(completed.occurredAt);
    expect(done.steps.map((s: any) => [s.name, s.status])).toEqual([
      ['mirror', 'succeeded'],
      ['build', 'succeeded'],
      ['deploy', 'succeeded'],
    ]);
    expect(stepOf(done, 'build')).toMatchObject({
      startedAt: buildStarted.occurredAt,
      finishedAt: buildSucceeded.occurredAt,
    });
    expect(stepOf(done, 'deploy')).toEqual({
      name: 'deploy',
      status: 'succeeded',
      startedAt: deployStarted.occurredAt,
      finishedAt: rest[0].occurredAt,
      ncp: { historyId: `history-${script.runId.slice(0, 8)}` },
    });
    expect(done.timeline.map((e: any) => e.type)).toEqual([
      'RunQueued',
      'MirrorRequested',
      'MirrorCompleted',
      'BuildStarted',
      'BuildSucceeded',
      'DeployStarted',
      'DeploySucceeded',
      'RunCompleted',
    ]);
    expect(done.timeline[0]).toMatchObject({ occurredAt: queued.occurredAt, eventId: queued.id });

    const view = await project(projectId);
    expect(view.lastRun).toEqual({
      id: script.runId,
      status: 'succeeded',
      commitSha: sha(1),
      createdAt: queued.occurredAt,
      finishedAt: completed.occurredAt,
    });
    expect(view.currentDeployment).toMatchObject({
      id: script.runId,
      runId: script.runId,
      commitSha: sha(1),
      image: script.image,
      replicas: 2,
      status: 'succeeded',
      isRollback: false,
    });
    const runs = await getJson(`${gateway.url}/api/v1/projects/${projectId}/runs`, alice);
    expect(runs.body).toEqual({ items: [done], nextCursor: null });
  });

  it('records a failed build with its failed phase and error, and skips the deploy it never reached', async () => {
    const projectId = await readyProject(feed, gateway.url, 'alice', alice);
    const script = new RunScript(feed, projectId, { commitSha: sha(2) });
    const queued = script.queued();
    const failed = script.buildFailed(new Date(Date.parse(queued.occurredAt) + 4000));
    await feed.send(queued, script.mirrorRequested(), script.mirrorCompleted(), script.buildStarted(), failed);
    await feed.send(
      script.completed('failed', new Date(queued.occurredAt), {
        reason: 'build failed: Dockerfile: COPY failed',
        failedStep: 'build',
      }),
    );
    const body = await untilRun(
      script.runId,
      (b) => b.status === 'failed' && stepOf(b, 'build').failedPhase && stepOf(b, 'build').ncp?.buildProjectId,
      'the run failed, with the failed phase of its build',
    );
    expect(body.reason).toBe('build failed: Dockerfile: COPY failed');
    expect(stepOf(body, 'build')).toMatchObject({
      status: 'failed',
      finishedAt: failed.occurredAt,
      failedPhase: 'DOCKER_BUILD',
      error: { message: 'Dockerfile: COPY failed: file not found', code: 'build-failed' },
      ncp: { buildProjectId: '11', buildId: `build-${script.runId.slice(0, 8)}` },
    });
    expect(stepOf(body, 'deploy')).toEqual({ name: 'deploy', status: 'skipped' });
    const deployments = await getJson(`${gateway.url}/api/v1/projects/${projectId}/deployments`, alice);
    expect(deployments.body.items).toEqual([]);
    expect((await project(projectId)).lastRun).toMatchObject({ id: script.runId, status: 'failed' });
  });

  it('ends right when step events arrive before their RunQueued, and applies each once', async () => {
    const projectId = await readyProject(feed, gateway.url, 'alice', alice);
    const script = new RunScript(feed, projectId, { commitSha: sha(3) });
    const events = script.succeeded();
    const [queued, mirrorRequested, mirrorCompleted, buildStarted, buildSucceeded, deployStarted, deployed, completed] =
      events;
    // The mirror's and the runner's events overtake RunQueued (they are retried until it is known),
    // and RunCompleted overtakes DeploySucceeded.
    await feed.send(mirrorCompleted, buildStarted, mirrorRequested, queued, buildSucceeded, deployStarted, completed);
    await untilRun(script.runId, (b) => b.status === 'succeeded', 'the run succeeded');
    await feed.send(deployed);

    const done = await untilRun(
      script.runId,
      (b) => b.timeline.length === events.length && b.steps.every((s: any) => s.status === 'succeeded'),
      'every event applied and every step succeeded',
    );
    expect(done.status).toBe('succeeded');
    expect(stepOf(done, 'mirror')).toMatchObject({
      startedAt: mirrorRequested.occurredAt,
      finishedAt: mirrorCompleted.occurredAt,
    });
    expect(stepOf(done, 'build')).toMatchObject({
      startedAt: buildStarted.occurredAt,
      finishedAt: buildSucceeded.occurredAt,
    });
    expect(stepOf(done, 'deploy')).toMatchObject({
      startedAt: deployStarted.occurredAt,
      finishedAt: deployed.occurredAt,
    });
    // The timeline is in the order things happened, each event once (rm_timeline has no unique key).
    expect(done.timeline.map((e: any) => e.eventId)).toEqual(events.map((e) => e.id));
    expect(
      await count(infra.databaseUrl, 'SELECT count(*) AS n FROM rm_timeline WHERE correlation_id = $1', [script.runId]),
    ).toBe(events.length);
    const deployments = await pollUntil(
      () => getJson(`${gateway.url}/api/v1/projects/${projectId}/deployments`, alice),
      (r) => r.body.items[0]?.status === 'succeeded',
      { description: 'the deployment succeeded' },
    );
    expect(deployments.body.items).toEqual([
      expect.objectContaining({ id: script.runId, finishedAt: deployed.occurredAt }),
    ]);
    expect((await project(projectId)).currentDeployment).toMatchObject({ id: script.runId });
  });

  it('keeps a run cancelled, and its running step cancelled, when an older step event arrives after its end', async () => {
    const projectId = await readyProject(feed, gateway.url, 'alice', alice);
    const script = new RunScript(feed, projectId, { commitSha: sha(4) });
    const queued = script.queued();
    const mirrorRequested = script.mirrorRequested();
    const mirrorCompleted = script.mirrorCompleted();
    const buildStarted = script.buildStarted();
    const cancelled = script.completed('cancelled', new Date(queued.occurredAt), { reason: 'cancelled by alice' });
    await feed.send(queued, mirrorRequested, mirrorCompleted, cancelled);
    const ended = await untilRun(
      script.runId,
      (b) => b.status === 'cancelled' && stepOf(b, 'mirror').status === 'succeeded',
      'the run cancelled after its mirror',
    );
    expect(ended.steps.map((s: any) => s.status)).toEqual(['succeeded', 'skipped', 'skipped']);

    await feed.send(buildStarted);
    const body = await untilRun(
      script.runId,
      (b) => stepOf(b, 'build').ncp !== undefined,
      'the late BuildStarted applied',
    );
    expect(body).toMatchObject({ status: 'cancelled', reason: 'cancelled by alice', finishedAt: cancelled.occurredAt });
    expect(stepOf(body, 'build')).toMatchObject({
      status: 'cancelled',
      startedAt: buildStarted.occurredAt,
      finishedAt: cancelled.occurredAt,
    });
    expect(stepOf(body, 'deploy')).toEqual({ name: 'deploy', status: 'skipped' });
  });

  it('lists deployments newest first with rollback marks, page by page, and follows the current one', async () => {
    const projectId = await readyProject(feed, gateway.url, 'alice', alice);
    const first = new RunScript(feed, projectId, { commitSha: sha(5) });
    const second = new RunScript(feed, projectId, { commitSha: sha(6) });
    const rollback = new RunScript(feed, projectId, { commitSha: sha(5), type: 'rollback' });
    await feed.send(...first.succeeded(), ...second.succeeded());
    const queued = rollback.queued({ rollbackOf: first.runId });
    await feed.send(
      queued,
      rollback.mirrorRequested(),
      rollback.mirrorCompleted(),
      rollback.deployStarted(),
      rollback.deploySucceeded(),
      rollback.completed('succeeded', new Date(queued.occurredAt)),
    );
    const done = await untilRun(rollback.runId, (b) => b.status === 'succeeded', 'the rollback succeeded');
    expect(stepOf(done, 'build')).toEqual({ name: 'build', status: 'skipped' });
    expect(done.rollbackOf).toBe(first.runId);

    const url = `${gateway.url}/api/v1/projects/${projectId}/deployments`;
    await pollUntil(
      () => getJson(url, alice),
      (r) => r.body.items.length === 3 && r.body.items.every((d: any) => d.status === 'succeeded'),
      { description: 'three deployments succeeded' },
    );
    const page1 = (await getJson(`${url}?limit=2`, alice)).body;
    expect(page1.items.map((d: any) => d.id)).toEqual([rollback.runId, second.runId]);
    expect(page1.items[0]).toMatchObject({
      runId: rollback.runId,
      commitSha: sha(5),
      commitMessage: 'Merge pull request #7',
      image: rollback.image,
      replicas: 2,
      status: 'succeeded',
      trigger: { type: 'rollback', commitSha: sha(5) },
      isRollback: true,
      rollbackFrom: first.runId,
      startedAt: expect.any(String),
      finishedAt: expect.any(String),
    });
    expect(page1.items[1]).toMatchObject({ isRollback: false });
    expect(page1.items[1].rollbackFrom).toBeUndefined();
    expect(page1.nextCursor).toEqual(expect.any(String));
    const page2 = (await getJson(`${url}?limit=2&cursor=${page1.nextCursor}`, alice)).body;
    expect(page2).toEqual({ items: [expect.objectContaining({ id: first.runId })], nextCursor: null });

    expect((await project(projectId)).currentDeployment).toMatchObject({
      id: rollback.runId,
      isRollback: true,
      rollbackFrom: first.runId,
    });
    const runs = (await getJson(`${gateway.url}/api/v1/projects/${projectId}/runs?limit=2`, alice)).body;
    expect(runs.items.map((r: any) => r.id)).toEqual([rollback.runId, second.runId]);
    const rest = (await getJson(`${gateway.url}/api/v1/projects/${projectId}/runs?cursor=${runs.nextCursor}`, alice))
      .body;
    expect(rest.items.map((r: any) => r.id)).toEqual([first.runId]);
    expect((await getJson(`${url}?cursor=not-a-cursor`, alice)).status).toBe(400);
    expect((await getJson(`${url}?limit=101`, alice)).status).toBe(400);
  });

  it("answers 404 for another user's project, runs and deployments", async () => {
    const projectId = await readyProject(feed, gateway.url, 'alice', alice);
    const script = new RunScript(feed, projectId, { commitSha: sha(7) });
    await feed.send(...script.succeeded());
    await pollUntil(
      () => getJson(`${gateway.url}/api/v1/projects/${projectId}/deployments`, alice),
      (r) => r.body.items.length === 1,
      { description: 'the deployment recorded' },
    );
    expect((await run(script.runId, bob)).status).toBe(404);
    expect((await getJson(`${gateway.url}/api/v1/projects/${projectId}/runs`, bob)).status).toBe(404);
    expect((await getJson(`${gateway.url}/api/v1/projects/${projectId}/deployments`, bob)).status).toBe(404);
    const missing = await run('00000000-0000-4000-8000-000000000000');
    expect(missing).toEqual({
      status: 404,
      body: { statusCode: 404, error: 'Not Found', message: 'run 00000000-0000-4000-8000-000000000000 not found' },
    });
    expect((await getJson(`${gateway.url}/api/v1/runs/${script.runId}`)).status).toBe(401);
  });
});
