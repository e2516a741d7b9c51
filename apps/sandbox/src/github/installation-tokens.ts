import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { ResetHooks } from '../common/reset-hooks';
import { ResolvedSandboxOptions, SANDBOX_OPTIONS } from '../config/sandbox-options';

export interface InstallationToken {
  token: string;
  installationId: number;
  /** When the request narrowed the token to some repositories (`repositories` / `repository_ids`). */
  repositoryIds?: number[];
  expiresAt: number;
}

/** Short-lived installation access tokens (`ghs_...`), accepted by the REST stand-ins and git hosting. */
@Injectable()
export class InstallationTokens {
  private readonly tokens = new Map<string, InstallationToken>();

  constructor(
    @Inject(SANDBOX_OPTIONS) private readonly options: ResolvedSandboxOptions,
    resetHooks: ResetHooks,
  ) {
    resetHooks.register(() => this.tokens.clear());
  }

  issue(installationId: number, repositoryIds?: number[]): InstallationToken {
    const grant: InstallationToken = {
      token: `ghs_${randomBytes(27).toString('base64url').replace(/[-_]/g, 'x').slice(0, 36)}`,
      installationId,
      repositoryIds,
      expiresAt: Date.now() + this.options.githubTokenTtlMs,
    };
    this.tokens.set(grant.token, grant);
    return grant;
  }

  /** The live grant behind a token; expired tokens are forgotten. */
  resolve(token: string): InstallationToken | undefined {
    const grant = this.tokens.get(token);
    if (grant && grant.expiresAt <= Date.now()) this.tokens.delete(token);
    return grant && grant.expiresAt > Date.now() ? grant : undefined;
  }
}
