import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createEnvelope, Events } from '@klepaas/contracts';
import { BrokerConnection, EventPublisher } from '@klepaas/messaging';
import { createIsolatedInfra, IsolatedInfra, pollUntil } from '@klepaas/testing';
import { count } from '../../../test/support/database';
import { testEnv } from '../../../test/support/services';

const MAIN = join(__dirname, '../../../dist/apps/history/main.js');
const EVENTS = 4000;

/** Runs the built history app as its own process, as production does, so it can be SIGKILLed. */
function startHistoryProcess(infra: IsolatedInfra): ChildProcess {
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, ...testEnv('history', infra, { KLEPAAS_PREFETCH: '20', KLEPAAS_LOG_LEVEL: 'warn' }) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return child;
}

describe('history killed with SIGKILL in the middle of a stream', () => {
  let infra: IsolatedInfra;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run "npm run build" (npm test does it for you)`);
    infra = await createIsolatedInfra();
  });

  afterAll(async () => {
    child?.kill('SIGKILL');
    await infra?.dispose();
  });

  it('loses nothing and applies every event exactly once after a restart', async () => {
    // As every publisher does, declare the queues first (an unroutable message is dropped).
    const broker = new BrokerConnection({ url: infra.rabbitmqUrl, retryDelaysMs: [100, 200, 400] });
    await broker.ready();
    await broker.onModuleDestroy();
    child = startHistoryProcess(infra);
    const publisher = new EventPublisher({ url: infra.rabbitmqUrl });
    const ids: string[] = [];
    try {
      for (let batch = 0; batch < EVENTS / 200; batch++) {
        const envelopes = Array.from({ length: 200 }, () =>
          createEnvelope(
            Events.RunCancelRequested,
            { runId: randomUUID(), projectId: randomUUID(), requestedBy: 'u' },
            { correlationId: randomUUID() },
          ),
        );
        ids.push(...envelopes.map((e) => e.id));
        await Promise.all(envelopes.map((e) => publisher.publish(e)));
      }
    } finally {
      await publisher.onModuleDestroy();
    }

    const applied = () => count(infra.databaseUrl, 'SELECT count(*) AS n FROM rm_timeline');
    await pollUntil(applied, (n) => n >= 300, { intervalMs: 10, description: 'some events applied' });
    child.kill('SIGKILL');
    await new Promise((resolve) => child!.once('exit', resolve));
    const atKill = await applied();
    expect(atKill).toBeLessThan(EVENTS); // killed mid-stream, or the test proves nothing

    child = startHistoryProcess(infra);
    await pollUntil(applied, (n) => n >= EVENTS, { timeoutMs: 60_000, description: `all ${EVENTS} events applied` });
    // Exactly once: no event twice in the timeline (it has no unique key that would hide a double apply).
    expect(await count(infra.databaseUrl, 'SELECT count(*) AS n FROM rm_timeline')).toBe(EVENTS);
    expect(await count(infra.databaseUrl, 'SELECT count(DISTINCT event_id) AS n FROM rm_timeline')).toBe(EVENTS);
    expect(
      await count(infra.databaseUrl, 'SELECT count(*) AS n FROM rm_timeline WHERE event_id = ANY($1::uuid[])', [ids]),
    ).toBe(EVENTS);
    expect(await count(infra.databaseUrl, 'SELECT count(*) AS n FROM history_inbox')).toBe(EVENTS);
  });
});
