import type { EntityManager } from 'typeorm';
import type { EventEnvelope } from '@klepaas/contracts';

export interface OutboxRow {
  seq: string;
  envelope: EventEnvelope;
}

/** The channel a relay listens on; NOTIFY is delivered only when the writing transaction commits. */
export const outboxChannelOf = (table: string) => `${table}_appended`;

/**
 * A service's transactional outbox: events are appended in the same transaction as the state
 * change they announce, so neither exists without the other.
 */
export class OutboxStore {
  constructor(readonly table: string) {
    if (!/^[a-z_]+_outbox$/.test(table)) throw new Error(`not an outbox table name: ${table}`);
  }

  async append(manager: EntityManager, envelopes: EventEnvelope[]): Promise<void> {
    if (envelopes.length === 0) return;
    const values: unknown[] = [];
    const rows = envelopes.map((e, i) => {
      values.push(e.id, e.type, JSON.stringify(e));
      return `($${i * 3 + 1}, $${i * 3 + 2}, $${i * 3 + 3}::jsonb)`;
    });
    await manager.query(
      `INSERT INTO ${this.table} (event_id, event_type, envelope) VALUES ${rows.join(', ')} ON CONFLICT (event_id) DO NOTHING`,
      values,
    );
    await manager.query(`NOTIFY ${outboxChannelOf(this.table)}`);
  }

  /** Oldest unpublished rows not already claimed by another relay (in this transaction). */
  async claim(manager: EntityManager, limit: number): Promise<OutboxRow[]> {
    return manager.query(
      `SELECT seq, envelope FROM ${this.table} ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    );
  }

  async remove(manager: EntityManager, seqs: string[]): Promise<void> {
    if (seqs.length) await manager.query(`DELETE FROM ${this.table} WHERE seq = ANY($1::bigint[])`, [seqs]);
  }

  async backlog(manager: EntityManager): Promise<number> {
    const [row] = await manager.query(`SELECT count(*)::int AS n FROM ${this.table}`);
    return row.n;
  }
}
