import type { DataSource, EntityManager } from 'typeorm';
import type { EventEnvelope } from '@klepaas/contracts';

export type InboxOutcome<T> = { applied: true; result: T } | { applied: false };

/**
 * A consumer's record of the events it has applied. The event id is recorded in the same
 * transaction as the handler's changes, so a redelivered event changes nothing.
 */
export class InboxStore {
  constructor(
    private readonly dataSource: DataSource,
    readonly table: string,
  ) {
    if (!/^[a-z_]+_inbox$/.test(table)) throw new Error(`not an inbox table name: ${table}`);
  }

  applyOnce<T>(envelope: EventEnvelope, apply: (manager: EntityManager) => Promise<T>): Promise<InboxOutcome<T>> {
    return this.dataSource.transaction(async (manager) => {
      // A concurrent copy of the same event waits here for the first one's commit, then skips.
      const inserted: unknown[] = await manager.query(
        `INSERT INTO ${this.table} (event_id, event_type) VALUES ($1, $2) ON CONFLICT (event_id) DO NOTHING RETURNING event_id`,
        [envelope.id, envelope.type],
      );
      if (inserted.length === 0) return { applied: false };
      return { applied: true, result: await apply(manager) };
    });
  }
}
