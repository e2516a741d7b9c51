import type { EntityManager } from 'typeorm';

export interface TimelineEntry {
  eventId: string;
  type: string;
  occurredAt: string;
  data: Record<string, unknown>;
}

/** Read-only queries over the per-delivery and per-run event timeline (history writes `rm_timeline`). */
export class TimelineQueries {
  constructor(private readonly manager: EntityManager) {}

  async forCorrelation(correlationId: string, limit = 500): Promise<TimelineEntry[]> {
    const rows = await this.manager.query(
      `SELECT event_id, event_type, occurred_at, data FROM rm_timeline
        WHERE correlation_id = $1 ORDER BY occurred_at, seq LIMIT $2`,
      [correlationId, limit],
    );
    return rows.map(
      (r: { event_id: string; event_type: string; occurred_at: Date; data: Record<string, unknown> }) => ({
        eventId: r.event_id,
        type: r.event_type,
        occurredAt: new Date(r.occurred_at).toISOString(),
        data: r.data,
      }),
    );
  }
}
