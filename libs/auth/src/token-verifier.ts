import { JsonWebTokenError, NotBeforeError, TokenExpiredError, verify, sign } from 'jsonwebtoken';
import type { GithubIdentity, Principal } from './principal';

export class InvalidTokenError extends Error {}

/** Who issues the tokens and for whom (KLEPAAS_JWT_ISSUER, KLEPAAS_JWT_AUDIENCE). */
export interface TokenSettings {
  secret: string;
  issuer: string;
  audience: string;
}

/** The claims that name the caller's GitHub account (docs/api.md, "Auth"). */
export const GITHUB_USER_ID_CLAIM = 'github_user_id';
export const GITHUB_LOGIN_CLAIM = 'github_login';

/** What GitHub accepts as a login (the identity claims must hold one). */
export const GITHUB_LOGIN_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;

/**
 * Checks the REST bearer tokens the K-Le-PaaS login issues: HS256, `iss` and `aud` as
 * configured, `exp` required (a token that never expires is refused), `sub` is the user id,
 * `roles` optional, the GitHub identity optional but well formed when present.
 */
export class TokenVerifier {
  constructor(private readonly settings: TokenSettings) {}

  verify(token: string): Principal {
    let claims: Record<string, unknown>;
    try {
      claims = verify(token, this.settings.secret, {
        algorithms: ['HS256'],
        issuer: this.settings.issuer,
        audience: this.settings.audience,
      }) as Record<string, unknown>;
    } catch (error) {
      if (error instanceof TokenExpiredError) throw new InvalidTokenError('token expired');
      if (error instanceof NotBeforeError) throw new InvalidTokenError('token not valid yet (nbf)');
      if (error instanceof JsonWebTokenError) throw new InvalidTokenError(`invalid token: ${error.message}`);
      throw error;
    }
    if (typeof claims !== 'object' || claims === null) throw new InvalidTokenError('invalid token: no claims');
    const { sub, roles, exp } = claims;
    if (typeof exp !== 'number') throw new InvalidTokenError('token has no expiry (exp)');
    if (typeof sub !== 'string' && typeof sub !== 'number') throw new InvalidTokenError('token has no subject (sub)');
    const userId = String(sub);
    if (!userId) throw new InvalidTokenError('token has an empty subject (sub)');
    const github = githubIdentity(claims);
    return {
      userId,
      roles: Array.isArray(roles) ? roles.filter((r): r is string => typeof r === 'string') : [],
      ...(github ? { github } : {}),
      expiresAt: exp * 1000,
    };
  }
}

/** Both identity claims, or neither; a half or malformed identity is a bad token, not an anonymous one. */
function githubIdentity(claims: Record<string, unknown>): GithubIdentity | undefined {
  const id = claims[GITHUB_USER_ID_CLAIM];
  const login = claims[GITHUB_LOGIN_CLAIM];
  if (id === undefined && login === undefined) return undefined;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0)
    throw new InvalidTokenError(`invalid token: ${GITHUB_USER_ID_CLAIM} must be a positive integer`);
  if (typeof login !== 'string' || !GITHUB_LOGIN_PATTERN.test(login))
    throw new InvalidTokenError(`invalid token: ${GITHUB_LOGIN_CLAIM} must be a GitHub login`);
  return { id, login };
}

export interface MintOptions {
  expiresInSeconds?: number;
  issuer?: string;
  audience?: string;
}

/** Mints a token the way the login does: for the dashboard's admin login, the development banner, tests and benchmarks. */
export function mintToken(
  secret: string,
  principal: { userId: string; roles?: string[]; github?: GithubIdentity },
  options: MintOptions = {},
): string {
  const identity = principal.github
    ? { [GITHUB_USER_ID_CLAIM]: principal.github.id, [GITHUB_LOGIN_CLAIM]: principal.github.login }
    : {};
  return sign({ sub: principal.userId, roles: principal.roles ?? [], ...identity }, secret, {
    algorithm: 'HS256',
    expiresIn: options.expiresInSeconds ?? 3600,
    issuer: options.issuer ?? 'klepaas',
    audience: options.audience ?? 'klepaas',
  });
}
