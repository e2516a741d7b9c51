import { ArgumentsHost, Catch, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { Response } from 'express';

/**
 * Every REST error is `{statusCode, error, message}` (docs/api.md). A client's mistake caught
 * below Nest (the body parser's 413 for a body over 1 MB, 415, 400) keeps its status and is logged
 * as one line; anything unexpected is a 500, logged with its cause and never shown.
 */
@Catch()
export class ErrorShapeFilter extends BaseExceptionFilter {
  private readonly log = new Logger('HttpError');

  override catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') return super.catch(exception, host);
    const res = host.switchToHttp().getResponse<Response>();
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      // A body of its own shape (health reports) is the route's answer, not an error to reshape.
      if (typeof body === 'object' && body !== null && !('message' in body)) {
        res.status(status).json(body);
        return;
      }
      const message = typeof body === 'string' ? body : ((body as { message?: unknown }).message ?? exception.message);
      res.status(status).json({ statusCode: status, error: reasonPhrase(status), message });
      return;
    }
    const client = clientError(exception);
    if (client) {
      this.log.warn(`refused a request: ${client.status} ${client.message}`);
      res
        .status(client.status)
        .json({ statusCode: client.status, error: reasonPhrase(client.status), message: client.message });
      return;
    }
    this.log.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    res.status(500).json({ statusCode: 500, error: 'Internal Server Error', message: 'internal error' });
  }
}

/** An http-errors style error (body-parser's) that is the client's fault and safe to show: `expose` and a 4xx status. */
function clientError(exception: unknown): { status: number; message: string } | null {
  if (!(exception instanceof Error)) return null;
  const { status, expose } = exception as Error & { status?: unknown; expose?: unknown };
  if (expose !== true || typeof status !== 'number' || status < 400 || status > 499) return null;
  return { status, message: exception.message };
}

function reasonPhrase(status: number): string {
  const name = HttpStatus[status];
  return name
    ? name
        .split('_')
        .map((w) => w[0] + w.slice(1).toLowerCase())
        .join(' ')
    : 'Error';
}
