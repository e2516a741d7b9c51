import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { ResolvedSandboxOptions, SANDBOX_OPTIONS } from '../../config/sandbox-options';
import { NcpError } from '../ncp-error';
import { verifySignatureV2 } from './signature-v2';

/**
 * API Gateway signature v2 in front of every NCP API of the sandbox. Every failure is the
 * documented 401 / errorCode 200; the reason goes in a sandbox-only header so a developer can
 * tell a skewed clock from a wrong key without the body differing from NCP's.
 */
@Injectable()
export class NcpSignatureGuard implements CanActivate {
  constructor(@Inject(SANDBOX_OPTIONS) private readonly options: ResolvedSandboxOptions) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    const failure = verifySignatureV2(
      { method: request.method, url: request.originalUrl, headers: request.headers },
      (key) => (key === this.options.ncpAccessKey ? this.options.ncpSecretKey : undefined),
    );
    if (failure) {
      throw new NcpError(401, '200', 'Authentication Failed', 'Invalid authentication information.', {
        'x-sandbox-auth-failure': failure,
      });
    }
    return true;
  }
}
