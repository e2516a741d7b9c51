import { ArgumentsHost, Catch, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { Response } from 'express';

/** Every REST error is `{statusCode, error, message}` (interfaces.md); unexpected ones are logged, not shown. */
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
    this.log.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    res.status(500).json({ statusCode: 500, error: 'Internal Server Error', message: 'internal error' });
  }
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
