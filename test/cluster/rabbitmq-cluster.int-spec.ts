import { ServiceQueues } from '@klepaas/contracts';
import { EventPublisher } from '@klepaas/messaging';
import { pollUntil } from '@klepaas/testing';
import { ClusterSystem } from '../support/cluster-system';
import { pushToGithub } from '../support/github-push';
import { sendWebhook } from '../support/webhooks';
import type { SandboxRepository } from '../support/sandbox';

jest.setTimeout(300_000);

/** Pushes before the node goes, while it goes, and after it has gone. */
const PHASES = 5;
/** What the outbox relay takes per pass: the most one attempt may hand to the channel. */
const RELAY_BATCH = 200;
const pushExample = require('@octokit/webhooks-examples').find((e: any) => e.name === 'push').examples[1];
const files = (n: number) => ({ Dockerfile: 'FROM scratch\n', VERSION: `${n}\n` });

describe('the system on a three-node RabbitMQ cluster', () => {
  let system: ClusterSystem;
  let repos: SandboxRepository[];
  let pushes = 0;

  beforeAll(async () => {
    system = await ClusterSystem.start();
    repos = [];
    for (const name of ['alpha', 'beta', 'gamma']) repos.push(await system.readyProject('cluster-co', name));
  }, 240_000);

  afterAll(async () => {
    await system?.stop();
  });

  /** A stream of pushes round the projects, with `fault` started (not awaited) in the middle of it. */
  async function streamAround(fault: () => Promise<unknown>): Promise<string[]> {
    const deliveries: string[] = [];
    const push = async () => {
      const n = pushes++;
      const repo = repos[n % repos.length];
      const pushed = await pushToGithub(system.sandbox, system.gateway.url, repo, files(n), { message: `change ${n}` });
      expect(pushed.status).toBe(202);
      deliveries.push(pushed.deliveryId);
    };
    for (let i = 0; i < PHASES; i++) await push();
    const faulted = fault();
    for (let i = 0; i < PHASES; i++) await push();
    await faulted;
    for (let i = 0; i < PHASES; i++) await push();
    return deliveries;
  }

  /** Each delivery has exactly one run or one DeliverySkipped; each run completed once; nothing parked. */
  async function expectEveryDeliveryHandledOnce(deliveries: string[], askNode: number): Promise<void> {
    const withOneOutcome = () =>
      system.count(
        `SELECT count(*) AS n FROM unnest($1::text[]) AS d(id)
          WHERE (SELECT count(*) FROM runs WHERE delivery_id = d.id)
              + (SELECT count(*) FROM rm_timeline WHERE correlation_id = d.id AND event_type = 'DeliverySkipped') = 1`,
        [deliveries],
      );
    await pollUntil(withOneOutcome, (n) => n === deliveries.length, {
      timeoutMs: 120_000,
      description: 'every delivery to have its one outcome',
    });
    const unfinished = () =>
      system.count(
        `SELECT count(*) AS n FROM runs r WHERE r.delivery_id = ANY($1)
           AND (SELECT count(*) FROM rm_timeline t WHERE t.correlation_id = r.id::text AND t.event_type = 'RunCompleted') <> 1`,
        [deliveries],
      );
    await pollUntil(unfinished, (n) => n === 0, { timeoutMs: 120_000, description: 'every run to complete once' });
    expect(
      await system.count(`SELECT count(*) AS n FROM runs WHERE delivery_id = ANY($1)`, [deliveries]),
    ).toBeGreaterThan(0);
    // History applied every push exactly once (rm_timeline has no unique key to hide a double).
    expect(
      await system.count(
        `SELECT count(*) AS n FROM rm_timeline WHERE event_type = 'PushReceived' AND correlation_id = ANY($1)`,
        [deliveries],
      ),
    ).toBe(deliveries.length);
    expect(await system.count('SELECT count(*) AS n FROM parked_messages')).toBe(0);
    const parkedOnBroker = (await system.cluster.queues(askNode)).filter((q) => q.name.endsWith('.dlq'));
    expect(parkedOnBroker.filter((q) => q.messages > 0)).toEqual([]);
  }

  it('turns every delivery of a stream of pushes into exactly one run when the leader is stopped', async () => {
    const leader = await system.cluster.leaderOf(ServiceQueues.runner, 1);
    const deliveries = await streamAround(() => system.cluster.stopNode(leader));
    const survivor = leader === 1 ? 2 : 1;
    await expectEveryDeliveryHandledOnce(deliveries, survivor);
    expect(await system.cluster.leaderOf(ServiceQueues.runner, survivor)).not.toBe(leader);

    // The node comes back and rejoins; the queues are replicated to it again.
    await system.cluster.startNode(leader);
  });

  it('does the same when the new leader crashes (SIGKILL)', async () => {
    const leader = await system.cluster.leaderOf(ServiceQueues.runner, 1);
    const deliveries = await streamAround(() => system.cluster.killNode(leader));
    const survivor = leader === 1 ? 2 : 1;
    await expectEveryDeliveryHandledOnce(deliveries, survivor);
    expect(await system.cluster.leaderOf(ServiceQueues.runner, survivor)).not.toBe(leader);
  });

  it('holds at most one batch in memory while the cluster blocks publishers, and loses nothing', async () => {
    const publisher = system.gateway.app.get(EventPublisher);
    let maxPending = 0;
    const sampler = setInterval(() => (maxPending = Math.max(maxPending, publisher.pendingCount())), 20);
    const deliveries: string[] = [];
    try {
      await system.cluster.memoryAlarm(1, true);
      // More than one relay batch at once (pushes of a repository no project has: skipped) ...
      const bulk = await Promise.all(
        Array.from({ length: 2 * RELAY_BATCH }, () => sendWebhook(system.gateway.url, 'push', pushExample)),
      );
      expect(bulk.map((b) => b.status)).toEqual(bulk.map(() => 202));
      deliveries.push(...bulk.map((b) => b.deliveryId));
      // ... and a stream of real pushes, long enough for a relay to have retried several times.
      for (let i = 0; i < 30; i++) {
        const n = pushes++;
        const pushed = await pushToGithub(system.sandbox, system.gateway.url, repos[n % repos.length], files(n));
        deliveries.push(pushed.deliveryId);
      }
      expect(await system.count('SELECT count(*) AS n FROM gateway_outbox')).toBeGreaterThanOrEqual(2 * RELAY_BATCH);
    } finally {
      await system.cluster.memoryAlarm(1, false);
    }
    await expectEveryDeliveryHandledOnce(deliveries, 1);
    clearInterval(sampler);
    expect(maxPending).toBeLessThanOrEqual(RELAY_BATCH);
  });
});
