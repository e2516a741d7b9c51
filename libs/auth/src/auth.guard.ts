import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Inject,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import type { Request } from 'express';
import type { Principal } from './principal';
import { InvalidTokenError, TokenVerifier } from './token-verifier';

/** Every REST route: a valid bearer token or 401. The principal is attached to the request. */
@Injectable()
export class BearerAuthGuard implements CanActivate {
  constructor(@Inject(TokenVerifier) private readonly verifier: TokenVerifier) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request & { principal?: Principal }>();
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) throw new UnauthorizedException('missing bearer token (Authorization: Bearer <JWT>)');
    try {
      request.principal = this.verifier.verify(match[1]);
      return true;
    } catch (error) {
      if (error instanceof InvalidTokenError) throw new UnauthorizedException(error.message);
      throw error;
    }
  }
}

/** Operator routes: the token's roles must include `admin` (apply after BearerAuthGuard). */
@Injectable()
export class OperatorGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const principal = context.switchToHttp().getRequest<{ principal?: Principal }>().principal;
    if (!principal?.roles.includes('admin'))
      throw new ForbiddenException('operators only (a token with the admin role)');
    return true;
  }
}
