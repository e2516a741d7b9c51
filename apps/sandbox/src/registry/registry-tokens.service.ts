import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { ResetHooks } from '../common/reset-hooks';

export const REGISTRY_TOKEN_TTL_SECONDS = 300;

interface Grant {
  /** repository name → actions granted (pull, push). */
  access: Map<string, Set<string>>;
  expiresAt: number;
}

/**
 * Bearer tokens of the registry's token service (Docker's token auth flow): the realm grants
 * what a `scope=repository:<name>:<actions>` asks for, and the registry checks a token covers
 * the repository it is used on.
 */
@Injectable()
export class RegistryTokens {
  private readonly grants = new Map<string, Grant>();

  constructor(resetHooks: ResetHooks) {
    resetHooks.register(() => this.grants.clear());
  }

  issue(scopes: string[]): string {
    const access = new Map<string, Set<string>>();
    for (const scope of scopes) {
      const match = /^repository:([^:]+):([a-z,*]+)$/.exec(scope);
      if (!match) continue;
      const actions = match[2].split(',').filter((a) => a === 'pull' || a === 'push' || a === '*');
      access.set(match[1], new Set(actions.flatMap((a) => (a === '*' ? ['pull', 'push'] : [a]))));
    }
    const token = randomBytes(24).toString('base64url');
    this.grants.set(token, { access, expiresAt: Date.now() + REGISTRY_TOKEN_TTL_SECONDS * 1000 });
    return token;
  }

  /** True when the token is live (and, with a repository, grants that action on it). */
  allows(token: string | undefined, repository?: string, action = 'pull'): boolean {
    const grant = token ? this.grants.get(token) : undefined;
    if (!grant || grant.expiresAt < Date.now()) return false;
    return repository === undefined || (grant.access.get(repository)?.has(action) ?? false);
  }
}
