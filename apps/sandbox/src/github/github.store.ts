import { Injectable } from '@nestjs/common';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { GitCli } from '../common/git-cli';
import { Sequence } from '../common/ids';
import { ResetHooks } from '../common/reset-hooks';
import { SandboxContext } from '../common/sandbox-context';
import { GithubError } from './github-error';

export interface GhAccount {
  login: string;
  id: number;
  type: 'User' | 'Organization';
}
export interface GhInstallation {
  id: number;
  account: GhAccount;
  createdAt: string;
}
export interface GhRepository {
  id: number;
  owner: GhAccount;
  name: string;
  defaultBranch: string;
  installationId?: number;
  private: boolean;
  createdAt: string;
  gitDir: string;
}
export interface GhPull {
  number: number;
  title: string;
  merged: boolean;
  mergeCommitSha: string | null;
  baseRef: string;
  headRef: string;
  headSha: string | null;
  mergedAt: string | null;
  createdAt: string;
}

/** The GitHub stand-in's accounts, installations, repositories (bare git on disk) and pull requests. */
@Injectable()
export class GithubStore {
  private readonly accounts = new Map<string, GhAccount>();
  private readonly installations = new Map<number, GhInstallation>();
  private readonly repos = new Map<string, GhRepository>();
  private readonly pulls = new Map<number, GhPull[]>();
  private readonly accountIds = new Sequence(5001);
  private readonly installationIds = new Sequence(70001);
  private readonly repoIds = new Sequence(800001);

  constructor(
    private readonly context: SandboxContext,
    private readonly git: GitCli,
    resetHooks: ResetHooks,
  ) {
    resetHooks.register(async () => {
      for (const map of [this.accounts, this.installations, this.repos, this.pulls]) map.clear();
      for (const ids of [this.accountIds, this.installationIds, this.repoIds]) ids.reset();
      await rm(this.context.githubRoot, { recursive: true, force: true });
      await mkdir(this.context.githubRoot, { recursive: true });
    });
  }

  account(login: string, type: GhAccount['type'] = 'User', id?: number): GhAccount {
    const key = login.toLowerCase();
    const existing = this.accounts.get(key);
    if (existing) return existing;
    if (id !== undefined && [...this.accounts.values()].some((a) => a.id === id))
      throw new GithubError(422, `account id ${id} is taken`);
    const account = { login, id: id ?? this.accountIds.take(), type };
    this.accounts.set(key, account);
    return account;
  }

  /** An account that exists already (a user or organisation GitHub knows), without creating one. */
  findAccount(login: string): GhAccount | undefined {
    return this.accounts.get(login.toLowerCase());
  }

  createInstallation(input: { id?: number; account: string; accountType?: GhAccount['type'] }): GhInstallation {
    if (input.id !== undefined && this.installations.has(input.id))
      throw new GithubError(422, `installation ${input.id} already exists`);
    const installation = {
      id: input.id ?? this.installationIds.take(),
      account: this.account(input.account, input.accountType),
      createdAt: new Date().toISOString(),
    };
    this.installations.set(installation.id, installation);
    return installation;
  }

  installation(id: number): GhInstallation | undefined {
    return this.installations.get(id);
  }

  listInstallations(): GhInstallation[] {
    return [...this.installations.values()];
  }

  async createRepository(input: {
    owner: string;
    name: string;
    defaultBranch: string;
    installationId?: number;
    private: boolean;
  }): Promise<GhRepository> {
    if (this.repository(input.owner, input.name))
      throw new GithubError(422, `repository ${input.owner}/${input.name} already exists`);
    if (input.installationId !== undefined) {
      const installation =
        this.installations.get(input.installationId) ??
        this.createInstallation({ id: input.installationId, account: input.owner });
      if (installation.account.login.toLowerCase() !== input.owner.toLowerCase())
        throw new GithubError(
          422,
          `installation ${installation.id} is on account ${installation.account.login}, not ${input.owner}`,
        );
    }
    const gitDir = join(this.context.githubRoot, input.owner.toLowerCase(), `${input.name.toLowerCase()}.git`);
    await this.git.initBare(gitDir, input.defaultBranch);
    const repo: GhRepository = {
      ...input,
      id: this.repoIds.take(),
      owner: this.account(input.owner),
      createdAt: new Date().toISOString(),
      gitDir,
    };
    this.repos.set(key(input.owner, input.name), repo);
    return repo;
  }

  /** Owner and name match case-insensitively, as on GitHub. */
  repository(owner: string, name: string): GhRepository | undefined {
    return this.repos.get(key(owner, name));
  }

  listRepositories(): GhRepository[] {
    return [...this.repos.values()];
  }

  recordPull(repo: GhRepository, pull: GhPull): GhPull {
    const list = (this.pulls.get(repo.id) ?? []).filter((p) => p.number !== pull.number);
    list.push(pull);
    this.pulls.set(repo.id, list);
    return pull;
  }

  pullsOf(repo: GhRepository): GhPull[] {
    return this.pulls.get(repo.id) ?? [];
  }
}

const key = (owner: string, name: string) => `${owner}/${name}`.toLowerCase();
