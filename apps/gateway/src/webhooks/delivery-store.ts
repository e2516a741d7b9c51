import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { EventEnvelope } from '@klepaas/contracts';
import { withTimeout } from '@klepaas/observability';
import { OutboxStore } from '@klepaas/persistence';

export interface DeliveryRecord {
  deliveryId: string;
  event: string;
  action: string | null;
  status: 'accepted' | 'ignored';
  repositoryId: number | null;
  repositoryFullName: string | null;
  installationId: number | null;
  senderLogin: string | null;
  payloadBytes: number;
  payloadSha256: string;
}

export type StoreOutcome = 'stored' | 'duplicate';

interface Pending {
  record: DeliveryRecord;
  event: EventEnvelope | null;
  resolve: (outcome: StoreOutcome) => void;
  reject: (error: unknown) => void;
}

const MAX_BATCH = 200;
const MAX_CONCURRENT_COMMITS = 2;
const STORE_TIMEOUT_MS = 5000;

/**
 * Stores each delivery and its event in one transaction, grouping the deliveries that arrive
 * while a commit is in flight into the next commit (group commit): one Postgres commit per
 * request would cap ingest far below what the HTTP side can take. Each caller is answered
 * only after the commit that holds its delivery.
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
      const stored = await this.dataSource.transaction((manager) => this.insert(manager, batch));
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

  /** Inserts the batch's deliveries; returns the ids this commit stored (the others were already there). */
  private async insert(manager: EntityManager, batch: Pending[]): Promise<Set<string>> {
    const firsts = new Map<string, Pending>();
    for (const p of batch) if (!firsts.has(p.record.deliveryId)) firsts.set(p.record.deliveryId, p);
    const values: unknown[] = [];
    const rows = [...firsts.values()].map((p, i) => {
      const r = p.record;
      values.push(
        r.deliveryId, r.event, r.action, r.status, r.repositoryId, r.repositoryFullName,
        r.installationId, r.senderLogin, p.event?.id ?? null, r.payloadBytes, r.payloadSha256,
      );
      const o = i * 11;
      return `(${Array.from({ length: 11 }, (_, k) => `$${o + k + 1}`).join(', ')})`;
    });
    const inserted: Array<{ delivery_id: string }> = await manager.query(
      `INSERT INTO webhook_deliveries (delivery_id, event, action, status, repository_id, repository_full_name,
         installation_id, sender_login, event_id, payload_bytes, payload_sha256)
       VALUES ${rows.join(', ')}
       ON CONFLICT (delivery_id) DO NOTHING RETURNING delivery_id`,
      values,
    );
    const stored = new Set(inserted.map((r) => r.delivery_id));
    const events = [...firsts.values()]
      .filter((p) => stored.has(p.record.deliveryId) && p.event)
      .map((p) => p.event as EventEnvelope);
    await this.outbox.append(manager, events);
    return stored;
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
