import type { INestApplication } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { createServer, IncomingMessage, Server } from 'node:http';

/** What only operators and Prometheus should reach: metrics and the API description. */
const INTERNAL_ONLY = /^\/(metrics|api\/docs)(?:[/?-]|$)/;

/**
 * KLEPAAS_GATEWAY_INTERNAL_PORT: a second listener for `/metrics` and `/api/docs` (and every other
 * route, so probes and operators need one port), while the public port answers 404 for those two.
 * Expose only the public port behind TLS (docs/production.md, "Ports").
 */
export async function mountInternalListener(app: INestApplication, port: number, host: string): Promise<Server> {
  const internalRequests = new WeakSet<IncomingMessage>();
  const handler = app.getHttpAdapter().getInstance() as (req: IncomingMessage, res: unknown) => void;
  const internal = createServer((req, res) => {
    internalRequests.add(req);
    handler(req, res);
  });
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (internalRequests.has(req) || !INTERNAL_ONLY.test(req.url)) return next();
    res.status(404).json({ statusCode: 404, error: 'Not Found', message: `Cannot ${req.method} ${req.path}` });
  });
  await new Promise<void>((resolve, reject) => {
    internal.once('error', reject);
    internal.listen(port, host, () => {
      internal.off('error', reject);
      resolve();
    });
  });
  const publicServer = app.getHttpServer() as Server;
  publicServer.once('close', () => {
    internal.close();
    internal.closeAllConnections();
  });
  return internal;
}
