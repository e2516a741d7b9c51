import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { request } from 'undici';
import { SecretCipher, slackWebhookUrlProblem } from '@klepaas/auth';
import { KLEPAAS_CONFIG, KlepaasConfig } from '@klepaas/config';
import type { Notification } from './notification';
import { NothingToNotify, SlackError } from './retry-policy';
import { RunFacts, slackMessage } from './slack-message';

/** The whole POST, connect to body; one try per claim (a retry is a later claim). */
export const SLACK_TIMEOUT_MS = 10_000;

/**
 * Posts a run's start or end to a Slack incoming webhook: the operator's
 * (KLEPAAS_SLACK_WEBHOOK_URL) or the project's own, opened from its sealed copy and checked
 * again before use (a Slack host over https outside sandbox mode). The URL is a secret: it is
 * never logged and never part of an error.
 */
@Injectable()
export class SlackFeedback {
  private readonly cipher?: SecretCipher;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(KLEPAAS_CONFIG) private readonly config: KlepaasConfig,
  ) {
    if (config.webhookSecretKey) this.cipher = new SecretCipher(config.webhookSecretKey);
  }

  /** `beforeCall` renews the row's lease (throws when it is lost) right before the POST. */
  async send(n: Notification, facts: RunFacts, beforeCall: () => Promise<void>): Promise<void> {
    const url = await this.destination(n);
    let res;
    await beforeCall();
    try {
      res = await request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(slackMessage(n.kind, facts)),
        signal: AbortSignal.timeout(SLACK_TIMEOUT_MS),
      });
    } catch (error) {
      throw new SlackError(`Slack did not answer: ${(error as { code?: string }).code ?? (error as Error).name}`, true);
    }
    const body = (await res.body.text()).slice(0, 200).replace(/\s+/g, ' ');
    if (res.statusCode >= 200 && res.statusCode < 300) return;
    const retryAfter = Number(res.headers['retry-after']);
    throw new SlackError(
      `Slack answered ${res.statusCode}: ${body || 'no body'}`,
      res.statusCode === 429 || res.statusCode >= 500,
      Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter * 1000 : undefined,
    );
  }

  private async destination(n: Notification): Promise<string> {
    if (n.target === 'slack-operator') {
      if (!this.config.slackWebhookUrl) throw new NothingToNotify('KLEPAAS_SLACK_WEBHOOK_URL is not set');
      return this.config.slackWebhookUrl;
    }
    const [row] = await this.dataSource.query(
      `SELECT sealed_url FROM project_slack_destinations WHERE project_id = $1`,
      [n.projectId],
    );
    if (!row) throw new NothingToNotify('the project has no Slack destination any more');
    if (!this.cipher)
      throw new SlackError(
        "KLEPAAS_WEBHOOK_SECRET_KEY is not set on the runner: the project's Slack URL cannot be opened",
        false,
      );
    const url = this.cipher.open(row.sealed_url, `slack-webhook:${n.projectId}`);
    if (!url) throw new SlackError("the project's Slack URL does not open with this KLEPAAS_WEBHOOK_SECRET_KEY", false);
    const problem = slackWebhookUrlProblem(url, {
      sandboxUrl: this.config.sandbox ? this.config.sandboxUrl : undefined,
    });
    if (problem) throw new SlackError(`the project's Slack URL is refused: it ${problem}`, false);
    return url;
  }
}
