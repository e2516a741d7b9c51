import { createHmac, randomUUID } from 'node:crypto';
import { request } from 'undici';
import { TEST_SECRETS } from './services';

export interface SentWebhook {
  status: number;
  body: any;
  deliveryId: string;
}

/**
 * Posts a delivery as GitHub does: raw JSON, event and delivery headers, HMAC of the exact bytes.
 * Signed with the App's secret unless `secret` says otherwise (a project's own for a repository hook).
 */
export async function sendWebhook(
  gatewayUrl: string,
  event: string,
  payload: unknown,
  options: {
    deliveryId?: string;
    secret?: string | null;
    path?: string;
    signature?: string;
    contentType?: string;
  } = {},
): Promise<SentWebhook> {
  const deliveryId = options.deliveryId ?? randomUUID();
  const raw = Buffer.isBuffer(payload)
    ? payload
    : Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload));
  const headers: Record<string, string> = {
    'content-type': options.contentType ?? 'application/json',
    'x-github-event': event,
    'x-github-delivery': deliveryId,
    'user-agent': 'GitHub-Hookshot/test',
  };
  const secret = options.secret === undefined ? TEST_SECRETS.appWebhook : options.secret;
  if (options.signature) headers['x-hub-signature-256'] = options.signature;
  else if (secret) headers['x-hub-signature-256'] = `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
  const res = await request(`${gatewayUrl}${options.path ?? '/api/v1/github/webhook'}`, {
    method: 'POST',
    headers,
    body: raw,
  });
  const text = await res.body.text();
  return { status: res.statusCode, body: text ? JSON.parse(text) : null, deliveryId };
}
