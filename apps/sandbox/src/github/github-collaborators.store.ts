import { Injectable } from '@nestjs/common';
import { ResetHooks } from '../common/reset-hooks';
import { SandboxContext } from '../common/sandbox-context';
import { GhAccount, GhRepository, GithubStore } from './github.store';

export const PERMISSIONS = ['admin', 'write', 'read', 'none'] as const;
export type GhPermission = (typeof PERMISSIONS)[number];

/**
 * Who may do what on each repository, as GitHub's collaborator permission API reports it. Unless
 * a repository's collaborators were set, its owner and the sandbox's development user are admins;
 * anyone else has `none` on a private repository and `read` on a public one.
 */
@Injectable()
export class GithubCollaborators {
  private readonly grants = new Map<number, Map<string, GhPermission>>();

  constructor(
    private readonly store: GithubStore,
    private readonly context: SandboxContext,
    resetHooks: ResetHooks,
  ) {
    resetHooks.register(() => this.grants.clear());
  }

  /** The user `login`, if GitHub knows one (the development user always exists). */
  user(login: string): GhAccount | undefined {
    const { githubDeveloperLogin, githubDeveloperId } = this.context.options;
    if (login.toLowerCase() === githubDeveloperLogin.toLowerCase())
      return this.store.account(githubDeveloperLogin, 'User', githubDeveloperId);
    return this.store.findAccount(login);
  }

  grant(repo: GhRepository, login: string, permission: GhPermission): GhAccount {
    const user = this.user(login) ?? this.store.account(login);
    const grants = this.grants.get(repo.id) ?? new Map<string, GhPermission>();
    grants.set(user.login.toLowerCase(), permission);
    this.grants.set(repo.id, grants);
    return user;
  }

  permissionOf(repo: GhRepository, user: GhAccount): GhPermission {
    const granted = this.grants.get(repo.id)?.get(user.login.toLowerCase());
    if (granted) return granted;
    const admins = [repo.owner.login, this.context.options.githubDeveloperLogin].map((l) => l.toLowerCase());
    if (admins.includes(user.login.toLowerCase())) return 'admin';
    return repo.private ? 'none' : 'read';
  }
}
