import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { EventEnvelope, Events, PushReceivedPayload } from '@klepaas/contracts';

/** GitHub lists at most 20 commits in a push payload; anything beyond is not worth a row each. */
const MAX_COMMITS = 50;

/**
 * When each pushed commit was made (`rm_commits`), for the lead time of the deploy that ships it.
 * The timestamp is the one the push payload gives; a commit without a readable one is left out
 * (its deploy then has no lead time), and the first time seen for a commit is kept.
 */
@Injectable()
export class CommitProjector {
  async apply(manager: EntityManager, envelope: EventEnvelope): Promise<void> {
    if (envelope.type !== Events.PushReceived.name) return;
    const push = envelope.payload as PushReceivedPayload;
    const commits = [...(push.headCommit ? [push.headCommit] : []), ...push.commits].slice(0, MAX_COMMITS);
    const known = commits.flatMap((c) => {
      const at = c.timestamp ? Date.parse(c.timestamp) : NaN;
      return Number.isFinite(at) ? [{ sha: c.id, at: new Date(at).toISOString() }] : [];
    });
    if (!known.length) return;
    await manager.query(
      `INSERT INTO rm_commits (repository_id, sha, committed_at)
       SELECT $1, c.sha, c.at FROM unnest($2::text[], $3::timestamptz[]) AS c(sha, at)
       ON CONFLICT (repository_id, sha) DO NOTHING`,
      [push.repository.id, known.map((c) => c.sha), known.map((c) => c.at)],
    );
  }
}
