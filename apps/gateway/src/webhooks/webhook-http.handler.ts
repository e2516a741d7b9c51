import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { withCorrelation } from '@klepaas/observability';
import { WebhookIntake } from './webhook-intake.service';

/** The GitHub App's path, and the seed's: the same handler. */
export const WEBHOOK_PATHS = ['/api/v1/github/webhook', '/api/v1/cicd/webhook'];

/**
 * Serves the webhook routes straight from the HTTP server, ahead of Express and Nest: GitHub
 * wants an answer in milliseconds, and the body must stay raw bytes for the signature anyway,
 * so body parsers, routing, guards and per-request access logs would only cost time here
 * (Express's routing alone was about a tenth of the gateway's CPU per delivery; the intake logs
 * one line per delivery itself). Every other request goes on to Express as before.
 */
export function serveWebhooksFirst(server: Server, intake: WebhookIntake, maxBytes: number): void {
  const others = server.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '').split('?', 1)[0];
    if (req.method === 'POST' && WEBHOOK_PATHS.includes(path)) return handle(req, res, intake, maxBytes);
    for (const listener of others) listener.call(server, req, res);
  });
}

function handle(req: IncomingMessage, res: ServerResponse, intake: WebhookIntake, maxBytes: number): void {
  const deliveryId = header(req, 'x-github-delivery');
  readBody(req, maxBytes).then(
    (rawBody) => {
      if (rawBody === 'too-large') {
        res.setHeader('Connection', 'close');
        return send(res, 413, {
          statusCode: 413,
          error: 'Payload Too Large',
          message: `body is over ${maxBytes} bytes`,
        });
      }
      const work = () =>
        intake.receive({
          event: header(req, 'x-github-event'),
          deliveryId,
          signature: header(req, 'x-hub-signature-256'),
          contentType: header(req, 'content-type'),
          rawBody,
        });
      const answered =
        deliveryId && /^[A-Za-z0-9._:-]{1,100}$/.test(deliveryId) ? withCorrelation(deliveryId, work) : work();
      answered.then(
        ({ httpStatus, body }) => send(res, httpStatus, body),
        () => send(res, 500, { statusCode: 500, error: 'Internal Server Error', message: 'internal error' }),
      );
    },
    () => send(res, 400, { statusCode: 400, error: 'Bad Request', message: 'the body could not be read' }),
  );
}

function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | 'too-large'> {
  const declared = Number(req.headers['content-length']);
  if (declared > maxBytes) {
    req.resume(); // drain without keeping it
    return Promise.resolve('too-large');
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? 'too-large' : Buffer.concat(chunks, size)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
