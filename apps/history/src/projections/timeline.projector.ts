import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { EventEnvelope } from '@klepaas/contracts';

/** Appends every event to the timeline of the delivery or run it belongs to. */
@Injectable()
export class TimelineProjector {
  async apply(manager: EntityManager, envelope: EventEnvelope): Promise<void> {
    await manager.query(
      `INSERT INTO rm_timeline (event_id, event_type, correlation_id, occurred_at, data) VALUES ($1, $2, $3, $4, $5::jsonb)`,
      [envelope.id, envelope.type, envelope.correlationId, envelope.occurredAt, JSON.stringify(summarise(envelope))],
    );
  }
}

/** A push can list many commits with their files; the timeline keeps what a reader needs. */
function summarise(envelope: EventEnvelope): unknown {
  const payload = envelope.payload as Record<string, unknown>;
  if (Array.isArray(payload.commits)) {
    const { commits, ...rest } = payload;
    return { ...rest, commitCount: commits.length };
  }
  return payload;
}
