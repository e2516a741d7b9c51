import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { EventEnvelope } from '@klepaas/contracts';
import { withTimeout } from '@klepaas/observability';
import { OutboxStore } from '@klepaas/persistence';

export interface DeliveryRecord {
  deliveryId: string;
  event: string;
  action: string | null;
  status: 'accepted' | 'ignored' | 'rejected';
  /** Why a delivery was rejected (its payload failed its schema); null otherwise. */
  reason: string | null;
  repositoryId: number | null;
  repositoryFullName: string | null;
  installationId: number | null;
  senderLogin: string | null;
  payloadBytes: number;
  payloadSha256: string;
}

export type StoreOutcome = 'stored' | 'duplicate';

/** The queue of deliveries waiting for a commit is full: the database is not keeping up. */
export class StoreBusyError extends Error {
  constructor() {
    super('too many deliveries are waiting to be stored; try again shortly');
  }
}

interface Pending {
  record: DeliveryRecord;
  event: EventEnvelope | null;
  resolve: (outcome: StoreOutcome) => void;
  reject: (error: unknown) => void;
}

const MAX_BATCH = 200;
const MAX_CONCURRENT_COMMITS = 2;
const STORE_TIMEOUT_MS = 5000;
/** Deliveries waiting for a commit; beyond it new ones are refused at once rather than queued without end. */
export const MAX_QUEUED_DELIVERIES = 5000;

/**
 * Stores each delivery and its event atomically, grouping the deliveries that arrive
 * while a commit is in flight into the next commit (group commit): one Postgres commit per
 * request would cap ingest far below what the HTTP side can take. Each caller is answered
 * only after the commit that holds its delivery. Each row records the project and owner that
 * claimed the repository at that moment: who may see the delivery later.
 */
@Injectable()
export class DeliveryStore {
  private readonly log = new Logger(DeliveryStore.name);
  private queue: Pending[] = [];
  private commitsInFlight = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxStore,
  ) {}

  store(record: DeliveryRecord, event: EventEnvelope | null): Promise<StoreOutcome> {
    if (this.queue.length >= MAX_QUEUED_DELIVERIES) return Promise.reject(new StoreBusyError());
    const stored = new Promise<StoreOutcome>((resolve, reject) => {
      this.queue.push({ record, event, resolve, reject });
      this.pump();
    });
    // Answering 503 after a commit that later lands is safe: GitHub's redelivery is then a duplicate.
    return withTimeout(stored, STORE_TIMEOUT_MS, 'the database');
  }

  private pump(): void {
    while (this.commitsInFlight < MAX_CONCURRENT_COMMITS && this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      this.commitsInFlight++;
      void this.commit(batch).finally(() => {
        this.commitsInFlight--;
        this.pump();
      });
    }
  }

  private async commit(batch: Pending[]): Promise<void> {
    try {
      const stored = await this.insert(batch);
      settle(batch, stored);
    } catch (error) {
      if (batch.length === 1) {
        batch[0].reject(error);
        return;
      }
      // One bad row must not fail its neighbours: store them one by one to find it.
      this.log.warn(`a grouped commit of ${batch.length} deliveries failed, storing them singly: ${String(error)}`);
      for (const pending of batch) await this.commit([pending]);
    }
  }

  /**
   * Inserts the batch's deliveries and the events of those not already stored, in a single
   * statement (one round trip: under load the event loop, not Postgres, is the bottleneck, and
   * every extra round trip waits for it). Returns the ids this statement stored.
   */
  private async insert(batch: Pending[]): Promise<Set<string>> {
    const firsts = new Map<string, Pending>();
    for (const p of batch) if (!firsts.has(p.record.deliveryId)) firsts.set(p.record.deliveryId, p);
    const rows = [...firsts.values()];
    const column = <T>(pick: (p: Pending) => T) => rows.map(pick);
    const events = rows.filter((p) => p.event);
    const outbox = this.outbox.appendFromSql(
      `stored JOIN unnest($13::text[], $14::uuid[], $15::text[], $16::text[]) WITH ORDINALITY
         AS e(delivery_id, event_id, event_type, envelope, ordinal) USING (delivery_id)`,
    );
    // The claim's owner and project join in the same statement: no extra round trip.
    const sql = `
      WITH stored AS (
        INSERT INTO webhook_deliveries (delivery_id, event, action, status, repository_id, repository_full_name,
          installation_id, sender_login, event_id, payload_bytes, payload_sha256, reason, owner_id, project_id)
        SELECT d.*, c.owner_id, c.project_id
          FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[],
            $7::bigint[], $8::text[], $9::uuid[], $10::int[], $11::text[], $12::text[])
            AS d(delivery_id, event, action, status, repository_id, repository_full_name,
              installation_id, sender_login, event_id, payload_bytes, payload_sha256, reason)
          LEFT JOIN repository_claims c ON c.github_repository_id = d.repository_id AND NOT c.released
        ON CONFLICT (delivery_id) DO NOTHING
        RETURNING delivery_id
      ), appended AS (${outbox.insert} RETURNING 1)
      SELECT delivery_id, (SELECT count(*) FROM appended) AS appended, (${outbox.notify}) AS notified FROM stored`;
    const result: Array<{ delivery_id: string }> = await this.dataSource.query(sql, [
      column((p) => p.record.deliveryId),
      column((p) => p.record.event),
      column((p) => p.record.action),
      column((p) => p.record.status),
      column((p) => p.record.repositoryId),
      column((p) => p.record.repositoryFullName),
      column((p) => p.record.installationId),
      column((p) => p.record.senderLogin),
      column((p) => p.event?.id ?? null),
      column((p) => p.record.payloadBytes),
      column((p) => p.record.payloadSha256),
      column((p) => p.record.reason),
      events.map((p) => p.record.deliveryId),
      events.map((p) => p.event!.id),
      events.map((p) => p.event!.type),
      events.map((p) => JSON.stringify(p.event)),
    ]);
    return new Set(result.map((r) => r.delivery_id));
  }
}

/** The first copy of each stored id is `stored`; every other copy (earlier or in this batch) is a duplicate. */
function settle(batch: Pending[], stored: Set<string>): void {
  const answered = new Set<string>();
  for (const p of batch) {
    const id = p.record.deliveryId;
    p.resolve(stored.has(id) && !answered.has(id) ? 'stored' : 'duplicate');
    answered.add(id);
  }
}
