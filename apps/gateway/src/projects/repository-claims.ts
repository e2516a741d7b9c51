import type { EntityManager } from 'typeorm';
import type { GithubIdentity } from '@klepaas/auth';
import type { ProjectSettings } from '@klepaas/contracts';

/** Registrations the read model has not caught up with: a handful at most, unless someone floods. */
const MAX_PENDING_SHOWN = 50;

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
  /** The GitHub account that proved access when registering (null for claims made before that was asked). */
  registeredBy: GithubIdentity | null;
}

/** A new claim: its webhook secret arrives sealed (see SecretCipher), never in clear. */
export type NewClaim = Omit<RepositoryClaim, 'released' | 'claimedAt'> & {
  registeredBy: GithubIdentity;
  sealedWebhookSecret: string;
};

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
        ORDER BY c.claimed_at DESC LIMIT $2`,
      [ownerId, MAX_PENDING_SHOWN],
    );
    return rows.map(toClaim);
  }

  /**
   * Claims a repository for a new project, replacing a released claim. A concurrent claim of the
   * same repository makes this throw ClaimRaceError: the caller starts over and finds it.
   */
  async claim(manager: EntityManager, claim: NewClaim): Promise<void> {
    const rows = await manager.query(
      `INSERT INTO repository_claims (github_repository_id, project_id, owner_id, owner, repo, installation_id, settings,
         github_user_id, github_login, webhook_secret)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10)
       ON CONFLICT (github_repository_id) DO UPDATE SET project_id = EXCLUDED.project_id, owner_id = EXCLUDED.owner_id,
         owner = EXCLUDED.owner, repo = EXCLUDED.repo, installation_id = EXCLUDED.installation_id,
         settings = EXCLUDED.settings, github_user_id = EXCLUDED.github_user_id, github_login = EXCLUDED.github_login,
         webhook_secret = EXCLUDED.webhook_secret, released = false, claimed_at = now(), updated_at = now()
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
        claim.registeredBy.id,
        claim.registeredBy.login,
        claim.sealedWebhookSecret,
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
    registeredBy: r.github_user_id === null ? null : { id: Number(r.github_user_id), login: String(r.github_login) },
  };
}
