import type { EntityManager } from 'typeorm';
import { decodeCursor, encodeCursor, Page } from './cursor';
import { ProjectView, toProjectView } from './project-view';

/** Read-only queries over the project view (history writes `rm_projects`). */
export class ProjectQueries {
  constructor(private readonly manager: EntityManager) {}

  /** The user who owns the project registered for a GitHub repository, if any. */
  async ownerOfRepository(githubRepositoryId: number): Promise<string | null> {
    const rows = await this.manager.query(
      `SELECT owner_id FROM rm_projects WHERE github_repository_id = $1 AND status <> 'deleted'
        ORDER BY created_at DESC LIMIT 1`,
      [githubRepositoryId],
    );
    return rows[0]?.owner_id ?? null;
  }

  /** One project of this owner (another owner's answers null, as a missing one does). */
  async findForOwner(id: string, ownerId: string): Promise<ProjectView | null> {
    const rows = await this.manager.query(`SELECT * FROM rm_projects WHERE id = $1 AND owner_id = $2`, [id, ownerId]);
    return rows.length ? toProjectView(rows[0]) : null;
  }

  /** This owner's projects, newest first, deleted ones left out. */
  async listForOwner(ownerId: string, limit: number, cursor: string | null): Promise<Page<ProjectView>> {
    const after = cursor ? decodeCursor(cursor) : null;
    const rows = await this.manager.query(
      `SELECT *, created_at::text AS created_exact FROM rm_projects
        WHERE owner_id = $1 AND status <> 'deleted'
          AND ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::uuid))
        ORDER BY created_at DESC, id DESC LIMIT $4`,
      [ownerId, after?.at ?? null, after?.id ?? '00000000-0000-0000-0000-000000000000', limit + 1],
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toProjectView),
      nextCursor: rows.length > limit && last ? encodeCursor(last.created_exact, last.id) : null,
    };
  }
}
