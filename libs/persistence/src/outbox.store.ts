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

  /**
   * SQL for a data-modifying CTE that appends the rows of `source` (columns event_id uuid,
   * event_type text, envelope text) and notifies the relay, so a caller can store its state
   * and its events in one statement: one round trip, atomic without BEGIN/COMMIT.
   */
  appendFromSql(source: string): { insert: string; notify: string } {
    return {
      insert: `INSERT INTO ${this.table} (event_id, event_type, envelope)
               SELECT event_id, event_type, envelope::jsonb FROM ${source} ORDER BY ordinal`,
      notify: `SELECT pg_notify('${outboxChannelOf(this.table)}', '')`,
    };
  }

  /**
   * Claims and deletes the oldest unclaimed rows in one statement; the deletion holds only if
   * the caller's transaction commits, so a relay commits after the broker confirmed them and
   * rolls back (keeping the rows) otherwise.
   */
  async take(manager: EntityManager, limit: number): Promise<OutboxRow[]> {
    const [rows] = await manager.query(
      `DELETE FROM ${this.table} WHERE seq IN (
         SELECT seq FROM ${this.table} ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED
       ) RETURNING seq, envelope`,
      [limit],
    );
    return (rows as OutboxRow[]).sort((a, b) => Number(a.seq) - Number(b.seq));
  }

  async backlog(manager: EntityManager): Promise<number> {
    const [row] = await manager.query(`SELECT count(*)::int AS n FROM ${this.table}`);
    return row.n;
  }
}
