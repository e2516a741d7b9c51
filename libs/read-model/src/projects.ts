import type { EntityManager } from 'typeorm';

/** Read-only queries over the project view (history writes `rm_projects`). */
export class ProjectQueries {
  constructor(private readonly manager: EntityManager) {}

  /** The user who owns the project registered for a GitHub repository, if any. */
  async ownerOfRepository(githubRepositoryId: number): Promise<string | null> {
    const rows = await this.manager.query(
      `SELECT owner_id FROM rm_projects WHERE github_repository_id = $1 AND status <> 'deleted' LIMIT 1`,
      [githubRepositoryId],
    );
    return rows[0]?.owner_id ?? null;
  }
}
