import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { GithubError } from '../github/github-error';
import { ncpError, NcpError } from '../ncp/ncp-error';
import { KubeError } from '../kube/kube-error';
import { RegistryError } from '../registry/registry-error';

/**
 * Every error leaves in the shape of the party it came from: NCP's `{"error":{...}}`, the
 * registry's `{"errors":[...]}`, GitHub's `{"message",...}`, or Nest's own shape on the
 * sandbox's routes. Unknown routes and bodies that are not JSON get the same treatment, so a
 * client never sees a shape its real counterpart would not send.
 */
@Catch()
export class SandboxExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Sandbox');

  catch(exception: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) {
      res.end();
      return;
    }
    const status = exception instanceof HttpException ? exception.getStatus() : statusOf(exception);
    if (status >= 500 && !(exception instanceof NcpError))
      this.logger.error(
        `${req.method} ${req.path}: ${exception instanceof Error ? exception.stack : String(exception)}`,
      );
    const message = messageOf(exception);
    const path = req.path;
    if (path === '/v2' || path.startsWith('/v2/')) res.setHeader('Docker-Distribution-API-Version', 'registry/2.0');
    if (exception instanceof NcpError) return send(res, exception.status, exception.body(), exception.headers);
    if (exception instanceof RegistryError) return send(res, exception.status, exception.body(), exception.headers);
    if (exception instanceof GithubError) return send(res, exception.status, exception.body());
    if (exception instanceof KubeError) return send(res, exception.status, exception.body());
    if (path.startsWith('/kube/'))
      return send(res, status, new KubeError(status, status === 404 ? 'NotFound' : 'InternalError', message).body());
    if (path === '/v2' || path.startsWith('/v2/') || path.startsWith('/ncp/ncr/token')) {
      const error = new RegistryError(
        status,
        status === 404 ? 'NOT_FOUND' : 'UNKNOWN',
        status === 404 ? 'page not found' : message,
      );
      return send(res, status, error.body());
    }
    if (path.startsWith('/ncp/')) return send(res, status, ncpError(status, message).body());
    if (path.startsWith('/slack/') && status === 400)
      return void res.status(400).type('text/plain').send('invalid_payload');
    if (path.startsWith('/github/api/'))
      return send(res, status, new GithubError(status, status === 404 ? 'Not Found' : message).body());
    send(res, status, {
      statusCode: status,
      error: exception instanceof HttpException ? exception.name.replace(/Exception$/, '') : 'Internal Server Error',
      message,
    });
  }
}

function send(res: Response, status: number, body: unknown, headers: Record<string, string> = {}): void {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.status(status).json(body);
}

/** Body-parser errors arrive as plain errors carrying a status. */
function statusOf(exception: unknown): number {
  const status =
    (exception as { status?: unknown; statusCode?: unknown })?.status ??
    (exception as { statusCode?: unknown })?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
}

function messageOf(exception: unknown): string {
  if (exception instanceof HttpException) {
    const response = exception.getResponse();
    const message = typeof response === 'string' ? response : (response as { message?: unknown }).message;
    return Array.isArray(message) ? message.join('; ') : String(message ?? exception.message);
  }
  if (exception instanceof Error && statusOf(exception) < 500) return exception.message;
  return 'Internal Server Error';
}
