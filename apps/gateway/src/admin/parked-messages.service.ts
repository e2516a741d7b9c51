import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BrokerConnection, Headers } from '@klepaas/messaging';
import { decodeCursor, encodeCursor } from '@klepaas/read-model';

export interface ParkedMessageView {
  id: string;
  queue: string;
  routingKey: string | null;
  eventId: string | null;
  eventType: string | null;
  correlationId: string | null;
  error: string;
  attempts: number;
  parkedAt: string;
  replayedAt: string | null;
  replayedBy: string | null;
}

const RETRY_HEADERS: string[] = [
  Headers.attempt,
  Headers.lastError,
  Headers.error,
  Headers.parkedAt,
  'x-death',
  'x-first-death-exchange',
  'x-first-death-queue',
  'x-first-death-reason',
];

/** Operators' view of parked messages, and replay: the original bytes back to the original queue. */
@Injectable()
export class ParkedMessagesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly broker: BrokerConnection,
  ) {}

  async list(limit: number, cursor: string | null): Promise<{ items: ParkedMessageView[]; nextCursor: string | null }> {
    const after = cursor ? decodeCursor(cursor) : null;
    const rows = await this.dataSource.query(
      `SELECT id, queue, routing_key, event_id, event_type, correlation_id, error, attempts, parked_at,
              parked_at::text AS parked_at_exact, replayed_at, replayed_by
         FROM parked_messages
        WHERE ($1::timestamptz IS NULL OR (parked_at, id) < ($1::timestamptz, $2::uuid))
        ORDER BY parked_at DESC, id DESC LIMIT $3`,
      [after?.at ?? null, after?.id ?? '00000000-0000-0000-0000-000000000000', limit + 1],
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    // The cursor keeps the database's exact timestamp (microseconds), not the millisecond ISO form.
    const nextCursor = rows.length > limit && last ? encodeCursor(last.parked_at_exact, last.id) : null;
    return { items: page.map(toView), nextCursor };
  }

  async replay(id: string, operator: string): Promise<ParkedMessageView> {
    return this.dataSource.transaction(async (manager) => {
      const rows = await manager.query(`SELECT * FROM parked_messages WHERE id = $1 FOR UPDATE`, [id]);
      if (!rows.length) throw new NotFoundException(`parked message ${id} not found`);
      const row = rows[0];
      if (row.replayed_at) {
        throw new ConflictException(
          `parked message ${id} was already replayed at ${new Date(row.replayed_at).toISOString()}`,
        );
      }
      const headers = { ...row.headers };
      for (const h of RETRY_HEADERS) delete headers[h];
      // Straight to the original queue (default exchange): only the consumer that failed gets it again.
      await this.broker.channel.publish('', row.queue, row.body, {
        persistent: true,
        contentType: 'application/json',
        messageId: row.event_id ?? undefined,
        headers: { ...headers, 'x-klepaas-replayed-from': id },
      });
      // TypeORM answers an UPDATE with [rows, affected count].
      const [updated] = await manager.query(
        `UPDATE parked_messages SET replayed_at = now(), replayed_by = $2 WHERE id = $1 RETURNING *`,
        [id, operator],
      );
      return toView(updated[0]);
    });
  }
}

function toView(r: Record<string, any>): ParkedMessageView {
  return {
    id: r.id,
    queue: r.queue,
    routingKey: r.routing_key,
    eventId: r.event_id,
    eventType: r.event_type,
    correlationId: r.correlation_id,
    error: r.error,
    attempts: r.attempts,
    parkedAt: new Date(r.parked_at).toISOString(),
    replayedAt: r.replayed_at ? new Date(r.replayed_at).toISOString() : null,
    replayedBy: r.replayed_by,
  };
}
