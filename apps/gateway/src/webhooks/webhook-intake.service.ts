import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { createEnvelope, EventEnvelope } from '@klepaas/contracts';
import { KLEPAAS_CONFIG, KlepaasConfig } from '@klepaas/config';
import { MetricsService } from '@klepaas/observability';
import { DeliveryRecord, DeliveryStore, StoreBusyError } from './delivery-store';
import { normaliseGithubDelivery, UnreadablePayloadError } from './github-normaliser';
import { ProjectWebhookSecrets } from './project-webhook-secrets';
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
const NOT_SIGNED = 'X-Hub-Signature-256 does not match the body';

/**
 * GitHub's side of the gateway: verify, read, check, store durably, answer. What a delivery leads
 * to is decided later by the runner; the answer here only says it is safe. A delivery is GitHub's
 * if the App's secret signed it, or the own secret of the project that claims the repository it
 * names (a repository hook); no shared secret lets one tenant speak for another's repository.
 */
@Injectable()
export class WebhookIntake {
  private readonly log = new Logger(WebhookIntake.name);
  private readonly appSecret: string | null;
  private readonly counter;

  constructor(
    @Inject(KLEPAAS_CONFIG) config: KlepaasConfig,
    private readonly store: DeliveryStore,
    private readonly projectSecrets: ProjectWebhookSecrets,
    metrics: MetricsService,
  ) {
    this.appSecret = config.github.appWebhookSecret ?? null;
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
    if (!request.signature) return refuse(401, 'missing X-Hub-Signature-256');
    const byApp =
      this.appSecret !== null && verifyGithubSignature(request.rawBody, request.signature, [this.appSecret]);
    const body = parseBody(request.rawBody, request.contentType);
    if (!byApp) {
      const byProject = await this.signedByProject(request, body).catch((error: unknown) => {
        this.log.error(`delivery ${request.deliveryId} could not be verified: ${String(error)}`);
        return null;
      });
      if (byProject === null) return refuse(503, 'the delivery could not be verified now; it can be redelivered');
      if (!byProject) return refuse(401, NOT_SIGNED);
    }
    if (!request.event || !EVENT_NAME.test(request.event)) return refuse(400, 'missing or malformed X-GitHub-Event');
    if (!request.deliveryId || !DELIVERY_ID.test(request.deliveryId)) {
      return refuse(400, 'missing or malformed X-GitHub-Delivery');
    }
    if (request.event === 'ping') return { httpStatus: 200, body: { status: 'pong' } };
    const checked = this.check(request as Required<WebhookRequest>, body);
    try {
      const outcome = await this.store.store(checked.record, checked.envelope);
      if (checked.record.status === 'rejected') {
        this.log.warn(`delivery ${request.deliveryId} (${request.event}) rejected: ${checked.record.reason}`);
        return refuse(400, checked.record.reason!);
      }
      const status = outcome === 'stored' ? 'accepted' : 'duplicate';
      this.log.log(
        `delivery ${request.deliveryId} (${request.event}) ${status}${checked.record.status === 'ignored' ? ', ignored' : ''}`,
      );
      return { httpStatus: outcome === 'stored' ? 202 : 200, body: { status, deliveryId: request.deliveryId } };
    } catch (error) {
      const busy = error instanceof StoreBusyError;
      this.log.error(
        `delivery ${request.deliveryId} could not be stored: ${String((error as Error).message ?? error)}`,
      );
      return refuse(503, busy ? error.message : 'the delivery could not be stored; it can be redelivered');
    }
  }

  /**
   * A repository hook's delivery: the repository id it names (not yet trusted) only picks the
   * candidate secret, that of the project claiming that repository; the signature decides.
   */
  private async signedByProject(request: WebhookRequest, body: Record<string, any> | null): Promise<boolean> {
    const repositoryId = body?.repository?.id;
    if (!Number.isSafeInteger(repositoryId) || repositoryId <= 0) return false;
    const candidate = await this.projectSecrets.forRepository(repositoryId);
    return candidate !== null && verifyGithubSignature(request.rawBody, request.signature, [candidate.secret]);
  }

  /** The record (and event) of a verified delivery; a payload that fails its schema is recorded as rejected. */
  private check(request: Required<WebhookRequest>, body: Record<string, any> | null) {
    const raw = request.rawBody;
    const record: DeliveryRecord = {
      deliveryId: request.deliveryId,
      event: request.event,
      action: null,
      status: 'rejected',
      reason: null,
      repositoryId: null,
      repositoryFullName: null,
      installationId: null,
      senderLogin: typeof body?.sender?.login === 'string' ? body.sender.login.slice(0, 100) : null,
      payloadBytes: raw.length,
      payloadSha256: createHash('sha256').update(raw).digest('hex'),
    };
    if (!body) return { record: { ...record, reason: 'body is not a JSON object' }, envelope: null };
    try {
      const n = normaliseGithubDelivery(request.event, request.deliveryId, body);
      const envelope: EventEnvelope | null =
        n.kind === 'event'
          ? createEnvelope(n.definition, n.payload as never, { correlationId: request.deliveryId })
          : null;
      return {
        record: {
          ...record,
          action: n.action,
          status: n.kind === 'event' ? ('accepted' as const) : ('ignored' as const),
          repositoryId: n.repository?.id ?? null,
          repositoryFullName: n.repository?.fullName ?? null,
          installationId: n.installationId,
        },
        envelope,
      };
    } catch (error) {
      // The event's own schema (libs/contracts) is the last word on what may be stored.
      if (!(error instanceof UnreadablePayloadError) && !isSchemaError(error)) throw error;
      const repositoryId = body.repository?.id;
      const known = Number.isSafeInteger(repositoryId) && repositoryId > 0;
      const reason = `not a readable GitHub ${request.event} payload: ${(error as Error).message.slice(0, 500)}`;
      return { record: { ...record, reason, repositoryId: known ? repositoryId : null }, envelope: null };
    }
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
