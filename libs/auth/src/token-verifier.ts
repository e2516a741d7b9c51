import { JsonWebTokenError, TokenExpiredError, verify, sign } from 'jsonwebtoken';
import type { Principal } from './principal';

export class InvalidTokenError extends Error {}

/**
 * Checks the REST bearer tokens the K-Le-PaaS login issues: HS256, `sub` is the user id,
 * `exp` honoured, `roles` optional.
 */
export class TokenVerifier {
  constructor(private readonly secret: string) {}

  verify(token: string): Principal {
    let claims: unknown;
    try {
      claims = verify(token, this.secret, { algorithms: ['HS256'] });
    } catch (error) {
      if (error instanceof TokenExpiredError) throw new InvalidTokenError('token expired');
      if (error instanceof JsonWebTokenError) throw new InvalidTokenError(`invalid token: ${error.message}`);
      throw error;
    }
    const { sub, roles } = (claims ?? {}) as { sub?: unknown; roles?: unknown };
    if (typeof sub !== 'string' && typeof sub !== 'number') throw new InvalidTokenError('token has no subject (sub)');
    const userId = String(sub);
    if (!userId) throw new InvalidTokenError('token has an empty subject (sub)');
    return { userId, roles: Array.isArray(roles) ? roles.filter((r): r is string => typeof r === 'string') : [] };
  }
}

/** Mints a token the way the login does: for the development banner, tests and benchmarks. */
export function mintToken(
  secret: string,
  principal: { userId: string; roles?: string[] },
  expiresInSeconds = 3600,
): string {
  return sign({ sub: principal.userId, roles: principal.roles ?? [] }, secret, {
    algorithm: 'HS256',
    expiresIn: expiresInSeconds,
  });
}
