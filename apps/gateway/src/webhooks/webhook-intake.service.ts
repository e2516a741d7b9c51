import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { createEnvelope, EventEnvelope } from '@klepaas/contracts';
import { KLEPAAS_CONFIG, KlepaasConfig } from '@klepaas/config';
import { MetricsService } from '@klepaas/observability';
import { DeliveryRecord, DeliveryStore } from './delivery-store';
import { normaliseGithubDelivery, UnreadablePayloadError } from './github-normaliser';
import { verifyGithubSignature } from './signature';

export interface WebhookRequest {
  event?: string;
  deliveryId?: string;
  signature?: string;
  contentType?: string;
  rawBody: Buffer;
}

export interface WebhookResponse {
  httpStatus: number;
  body: Record<string, unknown>;
}

const DELIVERY_ID = /^[A-Za-z0-9._:-]{1,100}$/;
const EVENT_NAME = /^[a-z_]{1,60}$/;

/**
 * GitHub's side of the gateway: verify, read, normalise, store durably, answer. What a
 * delivery leads to is decided later by the runner; the answer here only says it is safe.
 */
@Injectable()
export class WebhookIntake {
  private readonly log = new Logger(WebhookIntake.name);
  private readonly secrets: string[];
  private readonly counter;

  constructor(
    @Inject(KLEPAAS_CONFIG) config: KlepaasConfig,
    private readonly store: DeliveryStore,
    metrics: MetricsService,
  ) {
    this.secrets = [config.github.appWebhookSecret].filter((s): s is string => !!s);
    this.counter = metrics.counter('klepaas_webhook_deliveries_total', 'GitHub deliveries by event and outcome', [
      'event',
      'outcome',
    ]);
  }

  async receive(request: WebhookRequest): Promise<WebhookResponse> {
    const response = await this.decide(request);
    this.counter.inc({
      event: EVENT_NAME.test(request.event ?? '') ? request.event : 'invalid',
      outcome: response.httpStatus,
    });
    return response;
  }

  private async decide(request: WebhookRequest): Promise<WebhookResponse> {
    if (this.secrets.length === 0) return refuse(401, 'no webhook secret is configured: deliveries cannot be verified');
    if (!request.signature) return refuse(401, 'missing X-Hub-Signature-256');
    if (!verifyGithubSignature(request.rawBody, request.signature, this.secrets)) {
      return refuse(401, 'X-Hub-Signature-256 does not match the body');
    }
    if (!request.event || !EVENT_NAME.test(request.event)) return refuse(400, 'missing or malformed X-GitHub-Event');
    if (!request.deliveryId || !DELIVERY_ID.test(request.deliveryId)) {
      return refuse(400, 'missing or malformed X-GitHub-Delivery');
    }
    if (request.event === 'ping') return { httpStatus: 200, body: { status: 'pong' } };

    const body = parseBody(request.rawBody, request.contentType);
    if (!body) return refuse(400, 'body is not a JSON object');
    let record: DeliveryRecord;
    let envelope: EventEnvelope | null;
    try {
      ({ record, envelope } = this.normalise(request.event, request.deliveryId, body, request.rawBody));
    } catch (error) {
      if (error instanceof UnreadablePayloadError || isSchemaError(error)) {
        return refuse(400, `not a readable GitHub ${request.event} payload: ${(error as Error).message.slice(0, 300)}`);
      }
      throw error;
    }
    try {
      const outcome = await this.store.store(record, envelope);
      const status = outcome === 'stored' ? 'accepted' : 'duplicate';
      this.log.log(
        `delivery ${request.deliveryId} (${request.event}) ${status}${record.status === 'ignored' ? ', ignored' : ''}`,
      );
      return { httpStatus: outcome === 'stored' ? 202 : 200, body: { status, deliveryId: request.deliveryId } };
    } catch (error) {
      this.log.error(
        `delivery ${request.deliveryId} could not be stored: ${String((error as Error).message ?? error)}`,
      );
      return refuse(503, 'the delivery could not be stored; it can be redelivered');
    }
  }

  private normalise(event: string, deliveryId: string, body: Record<string, any>, raw: Buffer) {
    const n = normaliseGithubDelivery(event, deliveryId, body);
    const envelope =
      n.kind === 'event' ? createEnvelope(n.definition, n.payload as never, { correlationId: deliveryId }) : null;
    const record: DeliveryRecord = {
      deliveryId,
      event,
      action: n.action,
      status: n.kind === 'event' ? 'accepted' : 'ignored',
      repositoryId: n.repository?.id ?? null,
      repositoryFullName: n.repository?.fullName ?? null,
      installationId: n.installationId,
      senderLogin: typeof body.sender?.login === 'string' ? body.sender.login : null,
      payloadBytes: raw.length,
      payloadSha256: createHash('sha256').update(raw).digest('hex'),
    };
    return { record, envelope };
  }
}

/** GitHub sends JSON, or `payload=<json>` when a hook is set to form encoding. */
function parseBody(raw: Buffer, contentType: string | undefined): Record<string, any> | null {
  try {
    const text = contentType?.startsWith('application/x-www-form-urlencoded')
      ? (new URLSearchParams(raw.toString('utf8')).get('payload') ?? '')
      : raw.toString('utf8');
    const parsed = JSON.parse(text);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

function isSchemaError(error: unknown): boolean {
  return error instanceof Error && error.name === 'ZodError';
}

function refuse(httpStatus: number, message: string): WebhookResponse {
  const error = { 400: 'Bad Request', 401: 'Unauthorized', 413: 'Payload Too Large', 503: 'Service Unavailable' }[
    httpStatus
  ];
  return { httpStatus, body: { statusCode: httpStatus, error, message } };
}
