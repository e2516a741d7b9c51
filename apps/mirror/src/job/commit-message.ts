import type { MirrorRequestedPayload } from '@klepaas/contracts';
import { tagOf } from '../manifest';

/**
 * The manifest commit's message. Only the request's own values go in (no run id, no time), so
 * the same deploy of the same commit always gives the same message, and so the same sha.
 */
export function commitMessage(request: MirrorRequestedPayload): string {
  const { source } = request;
  const tag = tagOf(request.image) ?? request.image;
  return (
    `deploy: ${tag} replicas=${request.replicas} (source ${source.commitSha.slice(0, 7)})\n\n` +
    `Image: ${request.image}\n` +
    `Source: ${source.owner}/${source.repo}@${source.commitSha}\n`
  );
}
