import type { KeyObject } from 'node:crypto';
import { createAppJwt, readAppPrivateKey } from './app-jwt';
import {
  createDeployment,
  createDeploymentStatus,
  type CreateDeploymentInput,
  type CreateDeploymentStatusInput,
} from './deployments';
import { GithubError, isGithubError, nullIfNotFound, type GithubCall } from './errors';
import { GithubHttp } from './http';
import {
  countInstallations,
  createInstallationToken,
  getApp,
  getRepositoryInstallation,
  type GithubAppInfo,
  type RepositoryInstallation,
} from './installations';
import { branchHead, changedFiles, type BranchHead } from './branches';
import { resolveCommit } from './commits';
import { getCollaboratorPermission, type CollaboratorPermission } from './collaborators';
import { pullRequestsForCommit, type GithubPullRequest } from './pulls';
import { getRepository, type GithubRepository } from './repositories';
import { InstallationTokenCache } from './token-cache';

export interface GithubClientOptions {
  /** KLEPAAS_GITHUB_API_URL: https://api.github.com, https://<ghe>/api/v3, or the sandbox's /github/api. */
  apiUrl: string;
  /** KLEPAAS_GITHUB_APP_ID (with the key: act as the App). */
  appId?: string;
  /** KLEPAAS_GITHUB_APP_PRIVATE_KEY, PEM (`\n` escapes accepted). */
  appPrivateKey?: string;
  /** KLEPAAS_GITHUB_TOKEN: used when no App is configured, or for calls without an installation. */
  token?: string;
  /** Per request (each attempt), default 10 000. */
  timeoutMs?: number;
  userAgent?: string;
}

/**
 * The GitHub REST calls the services make. As an App: the App JWT finds installations and buys
 * installation tokens, which do the repository calls. Without an App: the configured token does
 * everything it can. Credentials live in private fields, so logging the client shows none.
 */
export class GithubClient {
  readonly usesApp: boolean;
  readonly #http: GithubHttp;
  readonly #appId?: string;
  readonly #appKey?: KeyObject;
  readonly #token?: string;
  readonly #tokens: InstallationTokenCache;

  constructor(options: GithubClientOptions) {
    // Half an App is a configuration mistake to report at start, not to paper over with the token.
    if (Boolean(options.appId) !== Boolean(options.appPrivateKey))
      throw new TypeError(
        `GitHub App configuration is incomplete: ${options.appId ? 'KLEPAAS_GITHUB_APP_PRIVATE_KEY' : 'KLEPAAS_GITHUB_APP_ID'} is missing`,
      );
    this.usesApp = Boolean(options.appId && options.appPrivateKey);
    if (this.usesApp) {
      this.#appId = options.appId;
      this.#appKey = readAppPrivateKey(options.appPrivateKey as string);
    }
    this.#token = options.token || undefined;
    this.#http = new GithubHttp({ apiUrl: options.apiUrl, timeoutMs: options.timeoutMs, userAgent: options.userAgent });
    this.#tokens = new InstallationTokenCache((id) =>
      createInstallationToken(
        this.#http,
        this.#appJwt({ method: 'POST', path: '/app/installations/{id}/access_tokens' }),
        id,
      ),
    );
  }

  /**
   * The bearer token for calls on a repository of `installationId`: as an App, that
   * installation's token (cached, refreshed 5 minutes before expiry, one exchange for concurrent
   * callers); otherwise, or for `null`, the configured token. 'no-credentials' when there is none.
   */
  async tokenFor(installationId: number | null): Promise<string> {
    return this.#credential(installationId, {
      method: 'POST',
      path: installationId === null ? '(configured token)' : `/app/installations/${installationId}/access_tokens`,
    });
  }

  /** Which installation of our App covers owner/repo; null when none does (404). Needs the App. */
  async findRepositoryInstallation(owner: string, repo: string): Promise<RepositoryInstallation | null> {
    const jwt = this.#appJwt({ method: 'GET', path: '/repos/{owner}/{repo}/installation' });
    return nullIfNotFound(getRepositoryInstallation(this.#http, jwt, owner, repo));
  }

  /** The repository, or null when it does not exist or the credential cannot see it (404). */
  async getRepository(owner: string, repo: string, installationId: number | null): Promise<GithubRepository | null> {
    const call = { method: 'GET', path: '/repos/{owner}/{repo}' };
    return nullIfNotFound(this.#as(installationId, call, (token) => getRepository(this.#http, token, owner, repo)));
  }

  /**
   * What GitHub says `username` may do on the repository, asked with the installation's token (or
   * the configured one); null when GitHub knows no such user there (404).
   */
  async collaboratorPermission(
    owner: string,
    repo: string,
    username: string,
    installationId: number | null,
  ): Promise<CollaboratorPermission | null> {
    const call = { method: 'GET', path: '/repos/{owner}/{repo}/collaborators/{username}/permission' };
    return nullIfNotFound(
      this.#as(installationId, call, (token) => getCollaboratorPermission(this.#http, token, owner, repo, username)),
    );
  }

  /** The commit a branch, tag or sha names; null when there is none (404 or 422). */
  async resolveCommit(
    owner: string,
    repo: string,
    ref: string,
    installationId: number | null,
  ): Promise<{ sha: string; message: string } | null> {
    const call = { method: 'GET', path: '/repos/{owner}/{repo}/commits/{ref}' };
    try {
      return await nullIfNotFound(
        this.#as(installationId, call, (token) => resolveCommit(this.#http, token, owner, repo, ref)),
      );
    } catch (error) {
      if (error instanceof GithubError && error.status === 422) return null; // GitHub: "No commit found for SHA"
      throw error;
    }
  }

  /**
   * A branch's head commit, asked conditionally when `etag` (from the last answer) is given:
   * 'unchanged' then costs no rate limit. Null when the branch does not exist.
   */
  async branchHead(
    owner: string,
    repo: string,
    branch: string,
    installationId: number | null,
    etag: string | null = null,
  ): Promise<BranchHead | null> {
    const call = { method: 'GET', path: '/repos/{owner}/{repo}/commits/{ref}' };
    try {
      return await nullIfNotFound(
        this.#as(installationId, call, (token) => branchHead(this.#http, token, owner, repo, branch, etag)),
      );
    } catch (error) {
      if (error instanceof GithubError && error.status === 422) return null;
      throw error;
    }
  }

  /** The files changed from `base` to `head` (first 300); null when GitHub cannot compare them. */
  async changedFiles(
    owner: string,
    repo: string,
    base: string,
    head: string,
    installationId: number | null,
  ): Promise<string[] | null> {
    const call = { method: 'GET', path: '/repos/{owner}/{repo}/compare/{range}' };
    return nullIfNotFound(
      this.#as(installationId, call, (token) => changedFiles(this.#http, token, owner, repo, base, head)),
    );
  }

  /** The pull requests `sha` is the merge commit or the head of. */
  async pullRequestsForCommit(
    owner: string,
    repo: string,
    sha: string,
    installationId: number | null,
  ): Promise<GithubPullRequest[]> {
    const call = { method: 'GET', path: '/repos/{owner}/{repo}/commits/{sha}/pulls' };
    return this.#as(installationId, call, (token) => pullRequestsForCommit(this.#http, token, owner, repo, sha));
  }

  /** A GitHub deployment of `ref` (auto_merge false, required_contexts []). */
  async createDeployment(
    owner: string,
    repo: string,
    installationId: number | null,
    input: CreateDeploymentInput,
  ): Promise<{ id: number }> {
    const call = { method: 'POST', path: '/repos/{owner}/{repo}/deployments' };
    return this.#as(installationId, call, (token) => createDeployment(this.#http, token, owner, repo, input));
  }

  /** Adds a status to a deployment (GitHub marks earlier deployments of the environment inactive on success). */
  async createDeploymentStatus(
    owner: string,
    repo: string,
    installationId: number | null,
    deploymentId: number,
    input: CreateDeploymentStatusInput,
  ): Promise<void> {
    const call = { method: 'POST', path: '/repos/{owner}/{repo}/deployments/{id}/statuses' };
    return this.#as(installationId, call, (token) =>
      createDeploymentStatus(this.#http, token, owner, repo, deploymentId, input),
    );
  }

  /** The App itself (GET /app): a wrong id or key fails here. Needs the App. */
  async app(): Promise<GithubAppInfo> {
    return getApp(this.#http, this.#appJwt({ method: 'GET', path: '/app' }));
  }

  /** How many accounts installed the App (the first 100 counted). Needs the App. */
  async installationCount(): Promise<number> {
    return countInstallations(this.#http, this.#appJwt({ method: 'GET', path: '/app/installations' }));
  }

  /** Closes the pooled connections and forgets cached tokens. */
  async close(): Promise<void> {
    this.#tokens.clear();
    await this.#http.close();
  }

  /**
   * Runs a call with the right token. When GitHub refuses an installation token (revoked, the
   * installation suspended), the cached copy is dropped so the next call exchanges a new one.
   */
  async #as<T>(installationId: number | null, call: GithubCall, work: (token: string) => Promise<T>): Promise<T> {
    const token = await this.#credential(installationId, call);
    try {
      return await work(token);
    } catch (error) {
      if (this.#installationTokens(installationId) && isGithubError(error) && error.code === 'unauthorized')
        this.#tokens.forget(installationId, token);
      throw error;
    }
  }

  async #credential(installationId: number | null, call: GithubCall): Promise<string> {
    if (this.#installationTokens(installationId)) return this.#tokens.get(installationId);
    if (this.#token) return this.#token;
    throw noCredentials(
      call,
      this.usesApp
        ? 'no installation id was given and KLEPAAS_GITHUB_TOKEN is not set'
        : 'neither a GitHub App (KLEPAAS_GITHUB_APP_ID, KLEPAAS_GITHUB_APP_PRIVATE_KEY) nor KLEPAAS_GITHUB_TOKEN is configured',
    );
  }

  #installationTokens(installationId: number | null): installationId is number {
    return this.usesApp && installationId !== null;
  }

  /** A fresh JWT per use: signing costs about a millisecond, and a fresh one never expires mid-call. */
  #appJwt(call: GithubCall): string {
    if (!this.#appId || !this.#appKey)
      throw noCredentials(call, 'this call needs a GitHub App (KLEPAAS_GITHUB_APP_ID, KLEPAAS_GITHUB_APP_PRIVATE_KEY)');
    return createAppJwt(this.#appId, this.#appKey);
  }
}

function noCredentials(call: GithubCall, message: string): GithubError {
  return new GithubError({ code: 'no-credentials', status: 0, message, call });
}
