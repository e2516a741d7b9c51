import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createEnvelope, Events } from '@klepaas/contracts';
import { createIsolatedInfra, dropDatabase, IsolatedInfra } from '@klepaas/testing';
import { InboxStore, MIGRATIONS, OutboxStore, prepareDatabase } from '../src';
import { count } from '../../../test/support/database';

const quiet = { info: () => undefined, warn: () => undefined };

describe('database preparation', () => {
  let infra: IsolatedInfra;

  beforeAll(async () => {
    infra = await createIsolatedInfra();
  });
  afterAll(() => infra?.dispose());

  it('creates a missing database and applies every migration once, with several services starting at once', async () => {
    const url = infra.databaseUrl.replace(infra.databaseName, `${infra.databaseName}_fresh`);
    try {
      await Promise.all(Array.from({ length: 5 }, () => prepareDatabase(url, { log: quiet })));
      expect(await count(url, 'SELECT count(*) AS n FROM migrations')).toBe(MIGRATIONS.length);
      // Running again changes nothing.
      await prepareDatabase(url, { log: quiet });
      expect(await count(url, 'SELECT count(*) AS n FROM migrations')).toBe(MIGRATIONS.length);
    } finally {
      await dropDatabase(`${infra.databaseName}_fresh`);
    }
  });
});

describe('outbox and inbox', () => {
  let infra: IsolatedInfra;
  let dataSource: DataSource;
  const outbox = new OutboxStore('gateway_outbox');
  const event = () =>
    createEnvelope(
      Events.RunCancelRequested,
      { runId: randomUUID(), projectId: randomUUID(), requestedBy: 'u' },
      { correlationId: 'c' },
    );

  beforeAll(async () => {
    infra = await createIsolatedInfra();
    await prepareDatabase(infra.databaseUrl, { log: quiet });
    dataSource = await new DataSource({ type: 'postgres', url: infra.databaseUrl }).initialize();
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await infra?.dispose();
  });

  it('keeps an event only if the transaction that appended it commits', async () => {
    const kept = event();
    const lost = event();
    await dataSource.transaction((m) => outbox.append(m, [kept]));
    await expect(
      dataSource.transaction(async (m) => {
        await outbox.append(m, [lost]);
        throw new Error('the state change failed');
      }),
    ).rejects.toThrow('the state change failed');
    const ids = (await dataSource.query('SELECT event_id FROM gateway_outbox')).map((r: any) => r.event_id);
    expect(ids).toContain(kept.id);
    expect(ids).not.toContain(lost.id);
  });

  it('lets two relays take disjoint rows (SKIP LOCKED), and keeps rows whose relay rolls back', async () => {
    await dataSource.query('DELETE FROM gateway_outbox');
    await dataSource.transaction((m) => outbox.append(m, Array.from({ length: 10 }, event)));
    const a = dataSource.createQueryRunner();
    const b = dataSource.createQueryRunner();
    await a.startTransaction();
    await b.startTransaction();
    try {
      const first = await outbox.take(a.manager, 6);
      const second = await outbox.take(b.manager, 6);
      expect(first).toHaveLength(6);
      expect(second).toHaveLength(4);
      const overlap = first.filter((r) => second.some((s) => s.seq === r.seq));
      expect(overlap).toHaveLength(0);
      await a.commitTransaction();
      await b.rollbackTransaction();
      expect(await count(infra.databaseUrl, 'SELECT count(*) AS n FROM gateway_outbox')).toBe(4);
    } finally {
      await a.release();
      await b.release();
    }
  });

  it('applies a redelivered event once, even when both copies arrive together', async () => {
    const inbox = new InboxStore(dataSource, 'history_inbox');
    const e = event();
    let applied = 0;
    const apply = () =>
      inbox.applyOnce(e, async (m) => {
        applied++;
        await m.query('SELECT pg_sleep(0.05)');
      });
    const outcomes = await Promise.all([apply(), apply(), apply()]);
    expect(outcomes.filter((o) => o.applied)).toHaveLength(1);
    expect(applied).toBe(1);
  });

  it('records nothing in the inbox when the handler fails, so the retry applies it', async () => {
    const inbox = new InboxStore(dataSource, 'history_inbox');
    const e = event();
    await expect(inbox.applyOnce(e, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    const retry = await inbox.applyOnce(e, async () => 'done');
    expect(retry).toEqual({ applied: true, result: 'done' });
  });
});
