import { createIsolatedInfra, IsolatedInfra, pollUntil } from '@klepaas/testing';
import { historyService } from '../../history/src/history.service';
import { EventFeed, readyProject, RunScript, sha } from '../../history/test/run-fixtures';
import { gatewayService } from '../src/gateway.service';
import { query } from '../../../test/support/database';
import { getJson, postJson, tokenFor } from '../../../test/support/http';
import { StartedService, startService } from '../../../test/support/services';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('run commands', () => {
  let infra: IsolatedInfra;
  let gateway: StartedService;
  let history: StartedService;
  let feed: EventFeed;
  let projectId: string;
  const alice = tokenFor('alice');
  const bob = tokenFor('bob');

  beforeAll(async () => {
    infra = await createIsolatedInfra();
    gateway = await startService(gatewayService, infra);
    history = await startService(historyService, infra);
    feed = await EventFeed.open(infra);
    projectId = await readyProject(feed, gateway.url, 'alice', alice);
  });

  afterAll(async () => {
    await feed?.close();
    await gateway?.close();
    await history?.close();
    await infra?.dispose();
  });

  const post = (path: string, body: unknown, token = alice) => postJson(`${gateway.url}/api/v1${path}`, body, token);
  const run = (id: string, token = alice) => getJson(`${gateway.url}/api/v1/runs/${id}`, token);
  /** The command event as it left the gateway's outbox: history records every event in its timeline. */
  const commandOf = (runId: string, type: string) =>
    pollUntil(
      () =>
        query(infra.databaseUrl, 'SELECT data FROM rm_timeline WHERE correlation_id = $1 AND event_type = $2', [
          runId,
          type,
        ]),
      (rows) => rows.length === 1,
      { description: `${type} of run ${runId} published` },
    ).then((rows) => rows[0].data);
  const finishedRun = async (status: 'succeeded' | 'failed') => {
    const script = new RunScript(feed, projectId, { commitSha: sha(status === 'failed' ? 20 : 21) });
    const queued = script.queued();
    const end =
      status === 'failed'
        ? [
            script.mirrorRequested(),
            script.buildFailed(),
            script.completed('failed', new Date(queued.occurredAt), {
              reason: 'build failed',
              failedStep: 'build',
            }),
          ]
        : script.succeeded().slice(1);
    await feed.send(queued, ...end);
    await pollUntil(
      () => run(script.runId),
      (r) => r.body?.status === status,
      { description: `run ${status}` },
    );
    return script;
  };

  it('accepts a deploy with 202 and a new run id, shows the run queued at once, and publishes DeployRequested', async () => {
    const res = await post(`/projects/${projectId}/deploy`, {
      ref: 'release/1.2',
      commitSha: sha(10).toUpperCase(),
      user_id: 'bob',
    });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ runId: expect.stringMatching(UUID) });
    const { runId } = res.body;

    // Never a 404 right after the 202: the gateway's own record answers until history has the run.
    const shown = await run(runId);
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({
      id: runId,
      projectId,
      status: 'queued',
      trigger: { type: 'manual', commitSha: sha(10), ref: 'release/1.2' },
      steps: [
        { name: 'mirror', status: 'pending' },
        { name: 'build', status: 'pending' },
        { name: 'deploy', status: 'pending' },
      ],
    });
    const list = await getJson(`${gateway.url}/api/v1/projects/${projectId}/runs`, alice);
    expect(list.body.items[0]).toMatchObject({ id: runId, status: 'queued' });
    expect((await run(runId, bob)).status).toBe(404);

    expect(await commandOf(runId, 'DeployRequested')).toEqual({
      runId,
      projectId,
      requestedBy: 'alice',
      ref: 'release/1.2',
      commitSha: sha(10),
    });
  });

  it('asks for the previous deployment when a rollback names none, and passes on the one it names', async () => {
    const bare = await post(`/projects/${projectId}/rollback`, {});
    expect(bare.status).toBe(202);
    expect(await commandOf(bare.body.runId, 'RollbackRequested')).toMatchObject({
      runId: bare.body.runId,
      requestedBy: 'alice',
      deploymentId: null,
      commitSha: null,
      stepsBack: 1,
    });
    expect((await run(bare.body.runId)).body).toMatchObject({ status: 'queued', trigger: { type: 'rollback' } });

    const deploymentId = '6f1c7c9e-2f7e-4d53-9a57-3c0f4f2d9a11';
    const named = await post(`/projects/${projectId}/rollback`, { deploymentId });
    expect(await commandOf(named.body.runId, 'RollbackRequested')).toMatchObject({
      deploymentId,
      commitSha: null,
      stepsBack: null,
    });
  });

  it('accepts a scale within the replica bounds and publishes ScaleRequested', async () => {
    const res = await post(`/projects/${projectId}/scale`, { replicas: 0 });
    expect(res.status).toBe(202);
    expect(await commandOf(res.body.runId, 'ScaleRequested')).toEqual({
      runId: res.body.runId,
      projectId,
      requestedBy: 'alice',
      replicas: 0,
    });
    expect((await run(res.body.runId)).body).toMatchObject({
      status: 'queued',
      replicas: 0,
      trigger: { type: 'scale' },
    });
  });

  it('answers 400 naming the bad field, and stores nothing', async () => {
    const before = await query(infra.databaseUrl, 'SELECT count(*)::int AS n FROM run_requests');
    const cases: Array<[string, unknown, RegExp]> = [
      [`/projects/${projectId}/deploy`, { ref: 'a..b' }, /^ref: must be a valid git branch or tag name/],
      [`/projects/${projectId}/deploy`, { commitSha: 'abc' }, /^commitSha: must be a 40-character hex commit sha/],
      [`/projects/${projectId}/rollback`, { commitSha: sha(1), stepsBack: 2 }, /at most one of/],
      [`/projects/${projectId}/rollback`, { stepsBack: 0 }, /^stepsBack: /],
      [`/projects/${projectId}/rollback`, { deploymentId: 'x' }, /^deploymentId: must be a deployment id/],
      [`/projects/${projectId}/scale`, { replicas: 11 }, /^replicas: /],
      [`/projects/${projectId}/scale`, { replicas: 1.5 }, /^replicas: /],
      [`/projects/${projectId}/scale`, {}, /^replicas: /],
    ];
    for (const [path, body, message] of cases) {
      const res = await post(path, body);
      expect({ path, body, status: res.status }).toEqual({ path, body, status: 400 });
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(res.body.message.join('\n')).toMatch(message);
    }
    expect((await post('/projects/not-a-uuid/deploy', {})).status).toBe(400);
    expect(await query(infra.databaseUrl, 'SELECT count(*)::int AS n FROM run_requests')).toEqual(before);
  });

  it("answers 404 for another user's project or run, and 401 without a token", async () => {
    const mine = await finishedRun('failed');
    expect((await post(`/projects/${projectId}/deploy`, {}, bob)).status).toBe(404);
    expect((await post(`/projects/${projectId}/scale`, { replicas: 1 }, bob)).status).toBe(404);
    expect((await post(`/projects/${projectId}/rollback`, {}, bob)).status).toBe(404);
    expect((await post(`/runs/${mine.runId}/retry`, {}, bob)).status).toBe(404);
    expect((await post(`/runs/${mine.runId}/cancel`, {}, bob)).status).toBe(404);
    expect((await post('/projects/00000000-0000-4000-8000-000000000000/deploy', {})).status).toBe(404);
    expect((await postJson(`${gateway.url}/api/v1/projects/${projectId}/deploy`, {})).status).toBe(401);
  });

  it('retries only a failed run, as a new run that names the failed one', async () => {
    const failed = await finishedRun('failed');
    const res = await post(`/runs/${failed.runId}/retry`, {});
    expect(res.status).toBe(202);
    expect(res.body.runId).toMatch(UUID);
    expect(res.body.runId).not.toBe(failed.runId);
    expect((await run(res.body.runId)).body).toMatchObject({
      status: 'queued',
      retryOf: failed.runId,
      trigger: { type: 'push', commitSha: sha(20) },
    });
    expect(await commandOf(res.body.runId, 'RunRetryRequested')).toEqual({
      runId: res.body.runId,
      retryOf: failed.runId,
      projectId,
      requestedBy: 'alice',
    });

    const succeeded = await finishedRun('succeeded');
    const refused = await post(`/runs/${succeeded.runId}/retry`, {});
    expect(refused.status).toBe(409);
    expect(refused.body.message).toBe(`only a failed run can be retried; run ${succeeded.runId} is succeeded`);
    // The retry itself is queued, not failed: no retry of a retry yet.
    expect((await post(`/runs/${res.body.runId}/retry`, {})).status).toBe(409);
  });

  it('describes every run route in the OpenAPI document, behind the bearer token', async () => {
    const { body } = await getJson(`${gateway.url}/api/docs-json`);
    const routes = {
      '/api/v1/projects/{id}/runs': 'get',
      '/api/v1/runs/{id}': 'get',
      '/api/v1/projects/{id}/deployments': 'get',
      '/api/v1/projects/{id}/deploy': 'post',
      '/api/v1/projects/{id}/rollback': 'post',
      '/api/v1/projects/{id}/scale': 'post',
      '/api/v1/runs/{id}/cancel': 'post',
      '/api/v1/runs/{id}/retry': 'post',
      '/api/v1/events': 'get',
    };
    for (const [path, method] of Object.entries(routes)) {
      const operation = body.paths[path]?.[method];
      expect({ path, summary: operation?.summary }).toEqual({ path, summary: expect.any(String) });
      expect(operation.security).toEqual([{ bearer: [] }]);
    }
  });

  it('cancels only a run that has not finished', async () => {
    const succeeded = await finishedRun('succeeded');
    const refused = await post(`/runs/${succeeded.runId}/cancel`, {});
    expect(refused.status).toBe(409);
    expect(refused.body.message).toMatch(/has already finished \(succeeded\)/);

    const queued = await post(`/projects/${projectId}/deploy`, {});
    const res = await post(`/runs/${queued.body.runId}/cancel`, {});
    expect(res).toEqual({ status: 202, body: { runId: queued.body.runId } });
    expect(await commandOf(queued.body.runId, 'RunCancelRequested')).toEqual({
      runId: queued.body.runId,
      projectId,
      requestedBy: 'alice',
    });
  });
});
