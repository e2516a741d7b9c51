import type { EntityManager } from 'typeorm';
import { decodeCursor, encodeCursor, Page } from '@klepaas/read-model';

/** A repository claimed from its registered owner by a GitHub admin of it (`repository_takeovers`). */
export interface Takeover {
  githubRepositoryId: number;
  owner: string;
  repo: string;
  previousProjectId: string;
  previousOwnerId: string;
  projectId: string;
  ownerId: string;
  githubUserId: number;
  githubLogin: string;
  takenAt: string;
}

/** The gateway's record of takeovers: operators list them; the previous owner no longer sees the project. */
export class RepositoryTakeovers {
  async record(manager: EntityManager, t: Omit<Takeover, 'takenAt'>): Promise<void> {
    await manager.query(
      `INSERT INTO repository_takeovers (github_repository_id, owner, repo, previous_project_id, previous_owner_id,
         project_id, owner_id, github_user_id, github_login)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        t.githubRepositoryId,
        t.owner,
        t.repo,
        t.previousProjectId,
        t.previousOwnerId,
        t.projectId,
        t.ownerId,
        t.githubUserId,
        t.githubLogin,
      ],
    );
  }

  /** Whether `ownerId`'s project was taken over: it is then no longer theirs to see or use. */
  async takenFrom(manager: EntityManager, projectId: string, ownerId: string): Promise<boolean> {
    const rows = await manager.query(
      `SELECT 1 FROM repository_takeovers WHERE previous_project_id = $1 AND previous_owner_id = $2`,
      [projectId, ownerId],
    );
    return rows.length > 0;
  }

  /** Newest first (keyset by time and the previous project's id). */
  async list(manager: EntityManager, limit: number, cursor: string | null): Promise<Page<Takeover>> {
    const after = cursor ? decodeCursor(cursor) : null;
    const rows = await manager.query(
      `SELECT *, taken_at::text AS taken_exact FROM repository_takeovers
        WHERE ($1::timestamptz IS NULL OR (taken_at, previous_project_id) < ($1::timestamptz, $2::uuid))
        ORDER BY taken_at DESC, previous_project_id DESC LIMIT $3`,
      [after?.at ?? null, after?.id ?? '00000000-0000-0000-0000-000000000000', limit + 1],
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toTakeover),
      nextCursor: rows.length > limit && last ? encodeCursor(last.taken_exact, last.previous_project_id) : null,
    };
  }
}

function toTakeover(r: Record<string, any>): Takeover {
  return {
    githubRepositoryId: Number(r.github_repository_id),
    owner: r.owner,
    repo: r.repo,
    previousProjectId: r.previous_project_id,
    previousOwnerId: r.previous_owner_id,
    projectId: r.project_id,
    ownerId: r.owner_id,
    githubUserId: Number(r.github_user_id),
    githubLogin: r.github_login,
    takenAt: new Date(r.taken_at).toISOString(),
  };
}
