import { randomUUID } from 'node:crypto';
import { mintToken } from '@klepaas/auth';
import { createService, RunningService } from '@klepaas/bootstrap';
import { loadConfig } from '@klepaas/config';
import { Events } from '@klepaas/contracts';
import { createLogger, withTimeout } from '@klepaas/observability';
import { createIsolatedInfra, IsolatedInfra, pollUntil, TcpProxy } from '@klepaas/testing';
import { historyService } from '../../history/src/history.service';
import { EventFeed, readyProject, RunScript, sha } from '../../history/test/run-fixtures';
import { EventStream } from '../src/events/event-stream';
import { gatewayService } from '../src/gateway.service';
import { getJson, postJson, tokenFor } from '../../../test/support/http';
import { StartedService, startService, TEST_SECRETS, testEnv, viaProxy } from '../../../test/support/services';
import { openStream, OpenStream } from '../../../test/support/event-stream-client';

describe('live run events (server-sent events)', () => {
  let infra: IsolatedInfra;
  let gateway: RunningService;
  let history: StartedService;
  let feed: EventFeed;
  const logLines: string[] = [];
  const alice = tokenFor('alice');
  const bob = tokenFor('bob');
  const streams: OpenStream[] = [];

  beforeAll(async () => {
    infra = await createIsolatedInfra();
    // The gateway logs each request at info level here, so the test can read what it logged.
    const config = loadConfig('gateway', testEnv('gateway', infra));
    const logger = createLogger({
      app: 'gateway',
      level: 'info',
      secretValues: config.secretValues,
      destination: { write: (line: string) => void logLines.push(line) },
    });
    gateway = await createService(gatewayService, config, logger);
    history = await startService(historyService, infra);
    feed = await EventFeed.open(infra);
  });

  afterAll(async () => {
    for (const s of streams) s.close();
    await feed?.close();
    await gateway?.close();
    await history?.close();
    await infra?.dispose();
  });

  const events = (query = '') => `${gateway.url}/api/v1/events${query}`;
  const open = async (url: string, token?: string) => {
    const stream = await openStream(url, token);
    streams.push(stream);
    return stream;
  };
  const received = (stream: OpenStream, n: number, description: string) =>
    pollUntil(
      () => stream.events.length,
      (length) => length >= n,
      { description: `${description}: ${n} events` },
    );

  it("streams the caller's run events in order, narrowed by run, and never another user's", async () => {
    const aliceProject = await readyProject(feed, gateway.url, 'alice', alice);
    const bobProject = await readyProject(feed, gateway.url, 'bob', bob);
    // The dashboard asks for a deploy, then follows that run; the runner's events follow.
    const deploy = await postJson(`${gateway.url}/api/v1/projects/${aliceProject}/deploy`, {}, alice);
    expect(deploy.status).toBe(202);
    const aliceRun = new RunScript(feed, aliceProject, {
      commitSha: sha(30),
      type: 'manual',
      runId: deploy.body.runId,
    });
    const aliceOther = new RunScript(feed, aliceProject, { commitSha: sha(31) });
    const bobRun = new RunScript(feed, bobProject, { commitSha: sha(32) });

    const all = await open(events(), alice);
    expect(all.status).toBe(200);
    expect(all.contentType).toMatch(/^text\/event-stream/);
    const oneRun = await open(events(`?runId=${aliceRun.runId}&access_token=${alice}`));
    expect(oneRun.status).toBe(200);
    const ofProject = await open(events(`?projectId=${aliceProject}`), alice);
    const bobs = await open(events(), bob);

    const bobEvents = [bobRun.queued(), bobRun.mirrorRequested()];
    const runEvents = aliceRun.succeeded();
    const skipped = feed.envelope(Events.DeliverySkipped, {
      deliveryId: randomUUID(),
      projectId: aliceProject,
      rule: 'branch',
      reason: 'push to feature/x; the project deploys main',
    });
    const otherQueued = aliceOther.queued();
    // A command and a project event are not streamed.
    const command = feed.envelope(Events.RunCancelRequested, {
      runId: aliceRun.runId,
      projectId: aliceProject,
      requestedBy: 'alice',
    });
    await feed.send(...bobEvents, ...runEvents.slice(0, 4), command, skipped, ...runEvents.slice(4), otherQueued);

    const aliceIds = [...runEvents.slice(0, 4), skipped, ...runEvents.slice(4), otherQueued].map((e) => e.id);
    await received(all, aliceIds.length, "alice's stream");
    await received(oneRun, runEvents.length, 'the run stream');
    await received(ofProject, aliceIds.length, 'the project stream');
    await received(bobs, bobEvents.length, "bob's stream");

    expect(all.events.map((e) => e.id)).toEqual(aliceIds);
    expect(ofProject.events.map((e) => e.id)).toEqual(aliceIds);
    expect(oneRun.events.map((e) => e.event)).toEqual([
      'RunQueued',
      'MirrorRequested',
      'MirrorCompleted',
      'BuildStarted',
      'BuildSucceeded',
      'DeployStarted',
      'DeploySucceeded',
      'RunCompleted',
    ]);
    expect(oneRun.events.map((e) => e.id)).toEqual(runEvents.map((e) => e.id));
    // Each message: the event's type, the envelope's id, and the envelope itself.
    expect(oneRun.events[3]).toEqual({
      event: 'BuildStarted',
      id: runEvents[3].id,
      data: JSON.parse(JSON.stringify(runEvents[3])),
    });
    expect(bobs.events.map((e) => e.id)).toEqual(bobEvents.map((e) => e.id));
    expect(all.comments).toContain('connected');
  });

  it('forgets a stream when its client leaves', async () => {
    const stream = await open(events(), alice);
    const service = gateway.app.get(EventStream);
    const before = service.openStreams;
    expect(before).toBeGreaterThan(0);
    stream.close();
    await pollUntil(
      () => service.openStreams,
      (n) => n === before - 1,
      { description: 'the stream forgotten' },
    );
  });

  it("refuses a stream without a token, for another user's run or project, or with a malformed filter", async () => {
    const projectId = await readyProject(feed, gateway.url, 'alice', alice);
    const script = new RunScript(feed, projectId, { commitSha: sha(33) });
    await feed.send(script.queued());
    await pollUntil(
      () => getJson(`${gateway.url}/api/v1/runs/${script.runId}`, alice),
      (r) => r.status === 200,
      { description: 'the run known' },
    );
    expect((await open(events())).status).toBe(401);
    expect((await open(events('?access_token=not-a-token'))).status).toBe(401);
    expect((await open(events(`?runId=${script.runId}`), bob)).status).toBe(404);
    expect((await open(events(`?projectId=${projectId}`), bob)).status).toBe(404);
    const bad = await open(events('?projectId=nope&runId=1'), alice);
    expect(bad.status).toBe(400);
    expect(bad.body.message).toEqual(['projectId: must be a UUID', 'runId: must be a UUID']);
  });

  it('keeps a token passed in the query out of the logs, and honours it on the events route only', async () => {
    const marker = randomUUID();
    const stream = await open(events(`?access_token=${alice}&marker=${marker}`));
    expect(stream.status).toBe(200);
    stream.close();
    const elsewhere = await getJson(`${gateway.url}/api/v1/projects?access_token=${alice}&marker=${marker}`);
    expect(elsewhere.status).toBe(401);
    const logged = await pollUntil(
      () => logLines.filter((line) => line.includes(marker)),
      (lines) => lines.length >= 2,
      { description: 'both requests logged' },
    );
    expect(logged.join('\n')).toContain(`/api/v1/events?marker=${marker}`);
    expect(logLines.some((line) => line.includes(alice))).toBe(false);
    expect(logLines.some((line) => line.includes('access_token'))).toBe(false);
  });

  it('ends a stream when its token expires, so an expired token cannot keep listening', async () => {
    const shortLived = mintToken(TEST_SECRETS.jwt, { userId: 'carol' }, { expiresInSeconds: 2 });
    const stream = await open(events(), shortLived);
    expect(stream.status).toBe(200);
    await pollUntil(
      () => stream.ended,
      (ended) => ended,
      { description: 'the stream ended when its token expired', timeoutMs: 15_000 },
    );
    expect(stream.comments).toEqual(['connected', 'token expired']);
    expect((await open(events(), shortLived)).status).toBe(401);
  });

  it('refuses a user more streams than the limit with 429, even asked all at once, and no one else', async () => {
    const limited = await startService(gatewayService, infra, { KLEPAAS_EVENT_STREAMS_PER_USER: '2' });
    const dave = tokenFor('dave');
    try {
      const url = `${limited.url}/api/v1/events`;
      const attempts = await Promise.all([1, 2, 3, 4, 5].map(() => open(url, dave)));
      expect(attempts.map((s) => s.status).sort()).toEqual([200, 200, 429, 429, 429]);
      const refused = attempts.find((s) => s.status === 429)!;
      expect(refused.body).toMatchObject({ statusCode: 429, message: expect.stringMatching(/2 live event streams/) });
      expect((await open(url, tokenFor('erin'))).status).toBe(200);
      attempts.find((s) => s.status === 200)!.close();
      await pollUntil(
        () => open(url, dave).then((s) => s.status),
        (status) => status === 200,
        { description: 'a slot free again once a stream closed' },
      );
    } finally {
      for (const s of streams) s.close();
      await limited.close();
    }
  });

  it('binds its queue again after losing RabbitMQ, and streams what is published after', async () => {
    const proxy = new TcpProxy('127.0.0.1', 5672);
    const port = await proxy.start();
    const proxied = await startService(gatewayService, infra, {
      KLEPAAS_RABBITMQ_URL: viaProxy(infra.rabbitmqUrl, port),
    });
    try {
      const readiness = (status: number) =>
        pollUntil(
          () => getJson(`${proxied.url}/health/ready`),
          (r) => r.status === status,
          { description: `the proxied gateway answering ${status} on /health/ready` },
        );
      await readiness(200);
      const projectId = await readyProject(feed, gateway.url, 'alice', alice);
      const stream = await open(`${proxied.url}/api/v1/events?projectId=${projectId}`, alice);
      expect(stream.status).toBe(200);

      proxy.cut();
      await readiness(503);
      proxy.restore();
      await readiness(200);
      const live = proxied.app.get(EventStream);
      await pollUntil(
        () => withTimeout(live.ready(), 200, 'the subscription').then(() => true),
        (ready) => ready,
        { description: 'the live subscription bound again' },
      );

      const script = new RunScript(feed, projectId, { commitSha: sha(34) });
      const sent = script.succeeded();
      await feed.send(...sent);
      await received(stream, sent.length, 'the stream after the reconnect');
      expect(stream.events.map((e) => e.id)).toEqual(sent.map((e) => e.id));
      expect(stream.ended).toBe(false);
    } finally {
      await proxied.close();
      await proxy.stop();
    }
  });

  it('ends the open streams when the gateway stops', async () => {
    const second = await startService(gatewayService, infra);
    await pollUntil(
      () => getJson(`${second.url}/health/ready`),
      (r) => r.status === 200,
      { description: 'the second gateway ready' },
    );
    const stream = await openStream(`${second.url}/api/v1/events`, alice);
    expect(stream.status).toBe(200);
    await second.close();
    await pollUntil(
      () => stream.ended,
      (ended) => ended,
      { description: 'the stream ended' },
    );
  });
});
