import { createEnvelope, EnvelopeOf, Events, MirrorRequested } from '@klepaas/contracts';
import type { MirrorResult } from '../job/mirror-job';
import type { Refusal } from '../refusal';
import { deterministicEventId } from './deterministic-id';

type Request = EnvelopeOf<typeof MirrorRequested>;

/** Correlated with the run, caused by the request, and with an id a redone job reproduces. */
function contextOf(request: Request, type: string) {
  const { runId, attempt } = request.payload;
  return { correlationId: runId, causationId: request.id, id: deterministicEventId(runId, attempt, type) };
}

export function mirrorCompleted(request: Request, result: MirrorResult) {
  const { runId, projectId, attempt } = request.payload;
  return createEnvelope(
    Events.MirrorCompleted,
    { runId, projectId, attempt, ...result },
    contextOf(request, Events.MirrorCompleted.name),
  );
}

export function mirrorFailed(request: Request, refusal: Refusal) {
  const { runId, projectId, attempt } = request.payload;
  return createEnvelope(
    Events.MirrorFailed,
    { runId, projectId, attempt, retryable: false, error: { message: refusal.message, code: refusal.code } },
    contextOf(request, Events.MirrorFailed.name),
  );
}
