import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { OutboxStore, prepareDatabase } from '@klepaas/persistence';
import { createIsolatedInfra, IsolatedInfra } from '@klepaas/testing';
import { DeliveryRecord, DeliveryStore, MAX_QUEUED_DELIVERIES, StoreBusyError } from '../src/webhooks/delivery-store';
import { count } from '../../../test/support/database';

const record = (): DeliveryRecord => ({
  deliveryId: randomUUID(),
  event: 'star',
  action: 'created',
  status: 'ignored',
  reason: null,
  repositoryId: null,
  repositoryFullName: null,
  installationId: null,
  senderLogin: null,
  payloadBytes: 2,
  payloadSha256: '0'.repeat(64),
});

/** When the database stops keeping up, deliveries wait in a bounded queue, not an endless one. */
describe('the delivery store when the database stalls', () => {
  let infra: IsolatedInfra;
  let dataSource: DataSource;
  let locker: Client;

  beforeAll(async () => {
    infra = await createIsolatedInfra();
    await prepareDatabase(infra.databaseUrl, { log: { info: () => undefined, warn: () => undefined } });
    dataSource = await new DataSource({ type: 'postgres', url: infra.databaseUrl }).initialize();
    locker = new Client({ connectionString: infra.databaseUrl });
    await locker.connect();
  });

  afterAll(async () => {
    await locker?.end();
    await dataSource?.destroy();
    await infra?.dispose();
  });

  it(`refuses at once beyond ${MAX_QUEUED_DELIVERIES} waiting deliveries, and stores those it queued once the database is back`, async () => {
    const store = new DeliveryStore(dataSource, new OutboxStore('gateway_outbox'));
    // Another session holds the table: every insert waits, as when the database is overwhelmed.
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE webhook_deliveries IN ACCESS EXCLUSIVE MODE');
    const queued = Array.from({ length: MAX_QUEUED_DELIVERIES + 400 }, () =>
      store.store(record(), null).then(
        (outcome) => outcome,
        (error: Error) => error,
      ),
    );
    const overflow = await store.store(record(), null).catch((error: unknown) => error);
    expect(overflow).toBeInstanceOf(StoreBusyError);
    await locker.query('COMMIT');
    const outcomes = await Promise.all(queued);
    const busy = outcomes.filter((o) => o instanceof StoreBusyError).length;
    const stored = outcomes.filter((o) => o === 'stored').length;
    // Up to two grouped commits were taken off the queue before it filled; the rest waited or were refused.
    expect(busy).toBeGreaterThan(0);
    expect(busy).toBeLessThanOrEqual(400);
    expect(stored + busy).toBe(outcomes.length);
    expect(await count(infra.databaseUrl, 'SELECT count(*) AS n FROM webhook_deliveries')).toBe(stored);
  });
});
