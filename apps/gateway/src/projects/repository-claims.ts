import type { EntityManager } from 'typeorm';
import type { ProjectSettings } from '@klepaas/contracts';

export interface RepositoryClaim {
  githubRepositoryId: number;
  projectId: string;
  ownerId: string;
  owner: string;
  repo: string;
  installationId: number | null;
  settings: ProjectSettings;
  released: boolean;
  claimedAt: string;
}

export class ClaimRaceError extends Error {}

/**
 * `repository_claims` (the gateway's own table): one project per GitHub repository, keyed by
 * GitHub's repository id, so the gateway answers "yours already" or 409 at once (decision 2).
 */
export class RepositoryClaims {
  async lock(manager: EntityManager, githubRepositoryId: number): Promise<RepositoryClaim | null> {
    const rows = await manager.query(`SELECT * FROM repository_claims WHERE github_repository_id = $1 FOR UPDATE`, [
      githubRepositoryId,
    ]);
    return rows.length ? toClaim(rows[0]) : null;
  }

  async findByProject(manager: EntityManager, projectId: string): Promise<RepositoryClaim | null> {
    const rows = await manager.query(`SELECT * FROM repository_claims WHERE project_id = $1`, [projectId]);
    return rows.length ? toClaim(rows[0]) : null;
  }

  async pendingForOwner(manager: EntityManager, ownerId: string): Promise<RepositoryClaim[]> {
    const rows = await manager.query(
      `SELECT c.* FROM repository_claims c
        WHERE c.owner_id = $1 AND NOT c.released AND NOT EXISTS (SELECT 1 FROM rm_projects p WHERE p.id = c.project_id)
        ORDER BY c.claimed_at DESC`,
      [ownerId],
    );
    return rows.map(toClaim);
  }

  /**
   * Claims a repository for a new project, replacing a released claim. A concurrent claim of the
   * same repository makes this throw ClaimRaceError: the caller starts over and finds it.
   */
  async claim(manager: EntityManager, claim: Omit<RepositoryClaim, 'released' | 'claimedAt'>): Promise<void> {
    const rows = await manager.query(
      `INSERT INTO repository_claims (github_repository_id, project_id, owner_id, owner, repo, installation_id, settings)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)
       ON CONFLICT (github_repository_id) DO UPDATE SET project_id = EXCLUDED.project_id, owner_id = EXCLUDED.owner_id,
         owner = EXCLUDED.owner, repo = EXCLUDED.repo, installation_id = EXCLUDED.installation_id,
         settings = EXCLUDED.settings, released = false, claimed_at = now(), updated_at = now()
       WHERE repository_claims.released
       RETURNING project_id`,
      [
        claim.githubRepositoryId,
        claim.projectId,
        claim.ownerId,
        claim.owner,
        claim.repo,
        claim.installationId,
        JSON.stringify(claim.settings),
      ],
    );
    if (!rows.length) throw new ClaimRaceError('the repository was claimed a moment ago');
  }

  async release(manager: EntityManager, projectId: string): Promise<void> {
    await manager.query(`UPDATE repository_claims SET released = true, updated_at = now() WHERE project_id = $1`, [
      projectId,
    ]);
  }
}

function toClaim(r: Record<string, any>): RepositoryClaim {
  return {
    githubRepositoryId: Number(r.github_repository_id),
    projectId: r.project_id,
    ownerId: r.owner_id,
    owner: r.owner,
    repo: r.repo,
    installationId: r.installation_id === null ? null : Number(r.installation_id),
    settings: r.settings,
    released: r.released,
    claimedAt: new Date(r.claimed_at).toISOString(),
  };
}
