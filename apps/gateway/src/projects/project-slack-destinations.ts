import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { maskSlackWebhookUrl, SecretCipher, slackWebhookUrlProblem } from '@klepaas/auth';
import { KLEPAAS_CONFIG, KlepaasConfig } from '@klepaas/config';

/** Associated data of a sealed Slack URL: it opens only as this project's Slack destination. */
export const slackSealContext = (projectId: string) => `slack-webhook:${projectId}`;

/**
 * A project's own Slack incoming webhook (docs/notifications.md): checked (a Slack host over
 * https outside sandbox mode), kept sealed under KLEPAAS_WEBHOOK_SECRET_KEY in
 * `project_slack_destinations`, and shown only masked. The runner opens it when it sends.
 */
@Injectable()
export class ProjectSlackDestinations {
  private readonly cipher: SecretCipher;
  private readonly sandboxUrl?: string;

  constructor(@Inject(KLEPAAS_CONFIG) config: KlepaasConfig) {
    if (!config.webhookSecretKey) throw new Error('KLEPAAS_WEBHOOK_SECRET_KEY is required by the gateway');
    this.cipher = new SecretCipher(config.webhookSecretKey);
    this.sandboxUrl = config.sandbox ? config.sandboxUrl : undefined;
  }

  /** 400 for a URL that is not a Slack incoming webhook; the URL itself is never echoed back. */
  check(url: string): void {
    const problem = slackWebhookUrlProblem(url, { sandboxUrl: this.sandboxUrl });
    if (problem) throw new BadRequestException([`slackWebhookUrl: ${problem}`]);
  }

  /** Sets (a URL) or removes (null) the destination; returns what the API may show of it. */
  async set(manager: EntityManager, projectId: string, url: string | null): Promise<string | null> {
    if (url === null) {
      await manager.query(`DELETE FROM project_slack_destinations WHERE project_id = $1`, [projectId]);
      return null;
    }
    this.check(url);
    const masked = maskSlackWebhookUrl(url);
    await manager.query(
      `INSERT INTO project_slack_destinations (project_id, sealed_url, masked_url) VALUES ($1, $2, $3)
       ON CONFLICT (project_id) DO UPDATE SET sealed_url = EXCLUDED.sealed_url, masked_url = EXCLUDED.masked_url,
         updated_at = now()`,
      [projectId, this.cipher.seal(url, slackSealContext(projectId)), masked],
    );
    return masked;
  }

  async masked(manager: EntityManager, projectId: string): Promise<string | null> {
    const rows = await manager.query(`SELECT masked_url FROM project_slack_destinations WHERE project_id = $1`, [
      projectId,
    ]);
    return rows[0]?.masked_url ?? null;
  }
}
