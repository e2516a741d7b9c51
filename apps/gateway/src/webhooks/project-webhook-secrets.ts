import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { KLEPAAS_CONFIG, KlepaasConfig } from '@klepaas/config';
import { newWebhookSecret, SecretCipher } from './secret-cipher';

/**
 * Each project's own secret for its repository hook (the legacy webhook path): shown once when
 * the project is registered or the secret rotated, kept only sealed in `repository_claims`.
 */
@Injectable()
export class ProjectWebhookSecrets {
  private readonly cipher: SecretCipher;

  constructor(
    @Inject(KLEPAAS_CONFIG) config: KlepaasConfig,
    private readonly dataSource: DataSource,
  ) {
    if (!config.webhookSecretKey) throw new Error('KLEPAAS_WEBHOOK_SECRET_KEY is required by the gateway');
    this.cipher = new SecretCipher(config.webhookSecretKey);
  }

  /** A new secret for a project: the clear text (for the answer) and the sealed text (for the table). */
  issue(projectId: string): { secret: string; sealed: string } {
    const secret = newWebhookSecret();
    return { secret, sealed: this.cipher.seal(secret, projectId) };
  }

  /** Replaces a live project's secret; null when the project holds no live claim. */
  async rotate(projectId: string, manager: EntityManager = this.dataSource.manager): Promise<string | null> {
    const { secret, sealed } = this.issue(projectId);
    const rows = await manager.query(
      `UPDATE repository_claims SET webhook_secret = $2, updated_at = now()
        WHERE project_id = $1 AND NOT released RETURNING project_id`,
      [projectId, sealed],
    );
    return rows.length ? secret : null;
  }

  /**
   * The secret a repository hook of this repository must have signed with: the one of the live
   * project that claims it. The repository id comes from a payload not yet verified, so it only
   * picks the candidate; the signature decides.
   */
  async forRepository(repositoryId: number): Promise<{ projectId: string; secret: string } | null> {
    const rows: Array<{ project_id: string; webhook_secret: string }> = await this.dataSource.query(
      `SELECT project_id, webhook_secret FROM repository_claims
        WHERE github_repository_id = $1 AND NOT released AND webhook_secret IS NOT NULL`,
      [repositoryId],
    );
    if (!rows.length) return null;
    const secret = this.cipher.open(rows[0].webhook_secret, rows[0].project_id);
    return secret === null ? null : { projectId: rows[0].project_id, secret };
  }
}
