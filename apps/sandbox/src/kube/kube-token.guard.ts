import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { SandboxContext } from '../common/sandbox-context';
import { KubeError } from './kube-error';

/** The API server's bearer authentication: the one service-account token of the sandbox. */
@Injectable()
export class KubeTokenGuard implements CanActivate {
  constructor(private readonly ctx: SandboxContext) {}

  canActivate(context: ExecutionContext): boolean {
    const header = context.switchToHttp().getRequest<Request>().headers.authorization ?? '';
    if (header !== `Bearer ${this.ctx.options.kubeToken}`) throw new KubeError(401, 'Unauthorized', 'Unauthorized');
    return true;
  }
}
