import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { EventDefinition, PayloadOf } from './event-definition';

/** The wrapper every message travels in (architecture.md, "Events"). */
export interface EventEnvelope<Type extends string = string, Payload = unknown> {
  id: string;
  type: Type;
  version: number;
  occurredAt: string;
  /** The run or the delivery this event belongs to. */
  correlationId: string;
  /** The id of the event (or command) that caused this one; null for a first cause. */
  causationId: string | null;
  payload: Payload;
}

export type EnvelopeOf<D> = D extends EventDefinition<infer N> ? EventEnvelope<N, PayloadOf<D>> : never;

export const envelopeSchema = z.object({
  id: z.uuid(),
  type: z.string().min(1).max(100),
  version: z.number().int().positive(),
  occurredAt: z.iso.datetime({ offset: true }),
  correlationId: z.string().min(1).max(200),
  causationId: z.string().min(1).max(200).nullable(),
  payload: z.unknown(),
});

export interface EnvelopeContext {
  correlationId: string;
  causationId?: string | null;
  /** Fixed id for idempotent producers (e.g. derived from a command id); random otherwise. */
  id?: string;
  occurredAt?: Date;
}

/** Builds an envelope, checking the payload against the event's schema before it leaves. */
export function createEnvelope<D extends EventDefinition>(
  definition: D,
  payload: PayloadOf<D>,
  context: EnvelopeContext,
): EnvelopeOf<D> {
  const checked = definition.schema.parse(payload);
  return {
    id: context.id ?? randomUUID(),
    type: definition.name,
    version: definition.version,
    occurredAt: (context.occurredAt ?? new Date()).toISOString(),
    correlationId: context.correlationId,
    causationId: context.causationId ?? null,
    payload: checked,
  } as EnvelopeOf<D>;
}
