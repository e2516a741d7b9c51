import { Inject, Injectable } from '@nestjs/common';
import { createPublicKey, KeyObject } from 'node:crypto';
import type { Request } from 'express';
import { safeEqual } from '../common/basic-auth';
import { ResolvedSandboxOptions, SANDBOX_OPTIONS } from '../config/sandbox-options';
import { appJwtProblem } from './app-jwt';
import { badCredentials, GithubError } from './github-error';
import type { GhRepository } from './github.store';
import { InstallationTokens } from './installation-tokens';

/** Who a token speaks for: the sandbox admin (every repository) or one installation. */
export type TokenGrant = { admin: true } | { admin: false; installationId: number; repositoryIds?: number[] };

/**
 * GitHub's two kinds of credentials: the App's own JWT (for App endpoints) and installation
 * tokens (for repository endpoints and git). The public key is derived from the configured
 * private key, so the sandbox and the services share one PEM and nothing else.
 */
@Injectable()
export class GithubAuth {
  private publicKey?: KeyObject;

  constructor(
    @Inject(SANDBOX_OPTIONS) private readonly options: ResolvedSandboxOptions,
    private readonly tokens: InstallationTokens,
  ) {}

  requireAppJwt(req: Request): void {
    const jwt = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (!jwt) throw new GithubError(401, 'A JSON web token could not be decoded');
    // Derived on first use: startSandbox may still be generating the key while Nest starts.
    this.publicKey ??= createPublicKey(this.options.githubAppPrivateKey);
    const problem = appJwtProblem(jwt, this.publicKey, this.options.githubAppId);
    if (problem) throw new GithubError(401, problem);
  }

  /** Accepts `Authorization: token <t>` or `Bearer <t>` with an installation token or the admin token. */
  requireToken(req: Request): TokenGrant {
    const token = /^(?:token|Bearer)\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const grant = token ? this.grantFor(token) : undefined;
    if (!grant) throw badCredentials();
    return grant;
  }

  grantFor(token: string): TokenGrant | undefined {
    if (safeEqual(token, this.options.githubAdminToken)) return { admin: true };
    const grant = this.tokens.resolve(token);
    return grant
      ? { admin: false, installationId: grant.installationId, repositoryIds: grant.repositoryIds }
      : undefined;
  }

  canAccess(grant: TokenGrant, repo: GhRepository): boolean {
    if (grant.admin) return true;
    return (
      repo.installationId === grant.installationId && (!grant.repositoryIds || grant.repositoryIds.includes(repo.id))
    );
  }
}
