import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Logger } from '@nestjs/common';
import { withCorrelation } from '@klepaas/observability';
import { BodyLimits, readBody } from './body-reader';
import { ByteBudget } from './byte-budget';
import { WebhookIntake } from './webhook-intake.service';

/** The GitHub App's path, and the seed's: the same handler. */
export const WEBHOOK_PATHS = ['/api/v1/github/webhook', '/api/v1/cicd/webhook'];

/** What a client refused for load is told to wait before trying again. */
const RETRY_AFTER_SECONDS = 5;
const DELIVERY_ID = /^[A-Za-z0-9._:-]{1,100}$/;

export interface WebhookLimits extends BodyLimits {
  bytesInFlight: number;
}

type ErrorLog = Pick<Logger, 'error'>;

/**
 * Serves the webhook routes straight from the HTTP server, ahead of Express and Nest: GitHub
 * wants an answer in milliseconds, and the body must stay raw bytes for the signature anyway,
 * so body parsers, routing, guards and per-request access logs would only cost time here
 * (Express's routing alone was about a tenth of the gateway's CPU per delivery; the intake logs
 * one line per delivery itself). Every other request goes on to Express as before.
 */
export function serveWebhooksFirst(
  server: Server,
  intake: Pick<WebhookIntake, 'receive'>,
  limits: WebhookLimits,
  log: ErrorLog = new Logger('WebhookHttp'),
): ByteBudget {
  const budget = new ByteBudget(limits.bytesInFlight);
  const others = server.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '').split('?', 1)[0];
    if (req.method === 'POST' && WEBHOOK_PATHS.includes(path)) return handle(req, res, { intake, limits, budget, log });
    for (const listener of others) listener.call(server, req, res);
  });
  return budget;
}

interface Handling {
  intake: Pick<WebhookIntake, 'receive'>;
  limits: WebhookLimits;
  budget: ByteBudget;
  log: ErrorLog;
}

function handle(req: IncomingMessage, res: ServerResponse, { intake, limits, budget, log }: Handling): void {
  const deliveryId = header(req, 'x-github-delivery');
  const read = readBody(req, limits, budget);
  // The bytes stay charged until the answer is out: parsing and storing them costs memory too.
  res.once('close', read.release);
  void read.outcome.then(async (outcome) => {
    switch (outcome.kind) {
      case 'too-large':
        return drop(req, res, 413, `body is over ${limits.maxBytes} bytes`);
      case 'over-budget':
        return drop(req, res, 503, 'too many webhook bytes in flight; try again shortly', {
          'retry-after': String(RETRY_AFTER_SECONDS),
        });
      case 'timeout':
        return drop(req, res, 408, `the body did not arrive within ${limits.timeoutMs} ms`);
      case 'failed':
        return void req.socket.destroy();
    }
    const work = () =>
      intake.receive({
        event: header(req, 'x-github-event'),
        deliveryId,
        signature: header(req, 'x-hub-signature-256'),
        contentType: header(req, 'content-type'),
        rawBody: outcome.body,
      });
    try {
      const { httpStatus, body } = await (deliveryId && DELIVERY_ID.test(deliveryId)
        ? withCorrelation(deliveryId, work)
        : work());
      send(res, httpStatus, body);
    } catch (error) {
      log.error(`webhook delivery ${deliveryId ?? '(no id)'} failed: ${describe(error)}`);
      send(res, 500, { statusCode: 500, error: 'Internal Server Error', message: 'internal error' });
    }
  });
}

/** Answers and closes the connection at once: the rest of the body is never read. */
function drop(
  req: IncomingMessage,
  res: ServerResponse,
  status: 408 | 413 | 503,
  message: string,
  headers: Record<string, string> = {},
): void {
  const error = { 408: 'Request Timeout', 413: 'Payload Too Large', 503: 'Service Unavailable' }[status];
  res.once('finish', () => req.socket.destroy());
  send(res, status, { statusCode: status, error, message }, { connection: 'close', ...headers });
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
