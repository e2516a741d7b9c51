import { BadGatewayException, ForbiddenException, Inject, Injectable } from '@nestjs/common';
import type { GithubIdentity, Principal } from '@klepaas/auth';
import { KLEPAAS_CONFIG, KlepaasConfig } from '@klepaas/config';
import { GITHUB_CLIENT, GithubClient, GithubError, RepositoryPermission } from '@klepaas/github';

const RANK: Record<RepositoryPermission, number> = { none: 0, read: 1, write: 2, admin: 3 };

/** The caller's GitHub account, or 403: a token that names none may do everything except register. */
export function requireGithubIdentity(caller: Principal): GithubIdentity {
  if (caller.github) return caller.github;
  throw new ForbiddenException(
    'registering a repository needs a token that names your GitHub account (claims github_user_id and github_login); ' +
      'sign in with GitHub and try again',
  );
}

/**
 * Proof that the caller may register a repository: GitHub itself, asked with the installation's
 * token, must say the caller's account holds at least the configured permission on it
 * (KLEPAAS_REGISTRATION_PERMISSION: admin, or write). What the request claims proves nothing.
 */
@Injectable()
export class RepositoryAccess {
  constructor(
    @Inject(GITHUB_CLIENT) private readonly github: GithubClient,
    @Inject(KLEPAAS_CONFIG) private readonly config: KlepaasConfig,
  ) {}

  /** GitHub's word on the caller's permission; 403 when it is below what registering needs. */
  async require(
    identity: GithubIdentity,
    repository: { owner: string; name: string },
    installationId: number | null,
  ): Promise<RepositoryPermission> {
    const fullName = `${repository.owner}/${repository.name}`;
    let answer;
    try {
      answer = await this.github.collaboratorPermission(
        repository.owner,
        repository.name,
        identity.login,
        installationId,
      );
    } catch (error) {
      if (error instanceof GithubError)
        throw new BadGatewayException(`GitHub did not answer the permission check (${error.code}); try again`);
      throw error;
    }
    // Logins can be renamed and then taken by someone else: the account id must be the token's.
    if (!answer || answer.user.id !== identity.id) {
      throw new ForbiddenException(
        `GitHub does not know your account (${identity.login}, id ${identity.id}) as a user of ${fullName}`,
      );
    }
    const needed = this.config.registrationPermission;
    if (RANK[answer.permission] < RANK[needed]) {
      throw new ForbiddenException(
        `registering ${fullName} needs ${needed} permission on it; GitHub says ${identity.login} has ${answer.permission}`,
      );
    }
    return answer.permission;
  }
}
