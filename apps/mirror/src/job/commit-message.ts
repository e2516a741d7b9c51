import type { MirrorRequestedPayload } from '@klepaas/contracts';
import { tagOf } from '../manifest';

const SEQUENCE_TRAILER = 'Klepaas-Sequence';

/**
 * The manifest commit's message. Only the request's own values go in (no run id, no attempt, no
 * time), so every attempt of a run makes the same message, and so the same sha. The run's
 * sequence in its project's deploy order is a trailer: the fence reads it back from the branch.
 */
export function commitMessage(request: MirrorRequestedPayload): string {
  const { source } = request;
  const tag = tagOf(request.image) ?? request.image;
  return (
    `deploy: ${tag} replicas=${request.replicas} (source ${source.commitSha.slice(0, 7)})\n\n` +
    `Image: ${request.image}\n` +
    `Source: ${source.owner}/${source.repo}@${source.commitSha}\n\n` +
    `${SEQUENCE_TRAILER}: ${request.sequence}\n`
  );
}

/** The sequence a mirrored commit's message carries; null for a commit we did not make. */
export function sequenceOf(message: string): number | null {
  const match = new RegExp(`^${SEQUENCE_TRAILER}: (\\d+)$`, 'm').exec(message);
  return match ? Number(match[1]) : null;
}
