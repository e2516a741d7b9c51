import { randomUUID } from 'node:crypto';
import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { withCorrelation } from './correlation';

const SAFE_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/**
 * Gives each HTTP request a correlation id: the GitHub delivery id for webhooks, the caller's
 * X-Request-Id when it is a sane value, else a fresh one; echoed back as X-Request-Id.
 */
@Injectable()
export class CorrelationMiddleware implements NestMiddleware {
  use(req: Request & { correlationId?: string }, res: Response, next: NextFunction): void {
    const candidate = header(req, 'x-github-delivery') ?? header(req, 'x-request-id');
    const correlationId = candidate && SAFE_ID.test(candidate) ? candidate : randomUUID();
    req.correlationId = correlationId;
    res.setHeader('X-Request-Id', correlationId);
    withCorrelation(correlationId, next);
  }
}

function header(req: Request, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
