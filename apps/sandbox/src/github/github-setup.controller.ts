import { Body, Controller, Get, NotFoundException, Param, Post } from '@nestjs/common';
import { z } from 'zod';
import { isValidBranchName } from '../common/names';
import { SandboxContext } from '../common/sandbox-context';
import { sandboxBody } from '../common/sandbox-validation';
import { GhInstallation, GhRepository, GithubStore } from './github.store';

const GITHUB_NAME = /^[A-Za-z0-9_.-]{1,100}$/;

const installationInput = z.object({
  id: z.number().int().positive().optional(),
  account: z.string().regex(/^[A-Za-z0-9-]{1,39}$/, 'must be a GitHub login'),
  accountType: z.enum(['User', 'Organization']).optional(),
});

const repositoryInput = z.object({
  owner: z.string().regex(/^[A-Za-z0-9-]{1,39}$/, 'must be a GitHub login'),
  name: z
    .string()
    .regex(GITHUB_NAME, 'must be a GitHub repository name')
    .refine((n) => !n.endsWith('.git') && n !== '.' && n !== '..', 'must be a GitHub repository name'),
  defaultBranch: z.string().refine(isValidBranchName, 'is not a valid branch name').optional(),
  installationId: z.number().int().positive().optional(),
  private: z.boolean().optional(),
});

const pullInput = z.object({
  number: z.number().int().positive(),
  title: z.string().optional(),
  merged: z.boolean().optional(),
  mergeCommitSha: z
    .string()
    .regex(/^[0-9a-f]{40}$/, 'must be a full commit sha')
    .nullable()
    .optional(),
  baseRef: z.string().min(1),
  headRef: z.string().min(1).optional(),
  headSha: z
    .string()
    .regex(/^[0-9a-f]{40}$/, 'must be a full commit sha')
    .nullable()
    .optional(),
  mergedAt: z.string().optional(),
});

/**
 * Sandbox-only setup of the GitHub stand-in: installations of the App, repositories (with the
 * installation that covers them), merged pull requests. Pushing test content uses git hosting
 * with the admin token (`x-access-token:<githubAdminToken>`).
 */
@Controller('_sandbox/github')
export class GithubSetupController {
  constructor(
    private readonly store: GithubStore,
    private readonly context: SandboxContext,
  ) {}

  /** The App's id and the admin token tests push with (never the private key). */
  @Get('app')
  app() {
    return {
      appId: this.context.options.githubAppId,
      adminToken: this.context.options.githubAdminToken,
      tokenTtlMs: this.context.options.githubTokenTtlMs,
    };
  }

  @Post('installations')
  createInstallation(@Body() body: unknown) {
    return this.installationView(this.store.createInstallation(sandboxBody(installationInput, body)));
  }

  @Get('installations')
  installations() {
    return { installations: this.store.listInstallations().map((i) => this.installationView(i)) };
  }

  @Post('repos')
  async createRepository(@Body() body: unknown) {
    const input = sandboxBody(repositoryInput, body);
    const repo = await this.store.createRepository({
      ...input,
      defaultBranch: input.defaultBranch ?? 'main',
      private: input.private ?? true,
    });
    return this.repositoryView(repo);
  }

  @Get('repos')
  repositories() {
    return { repositories: this.store.listRepositories().map((r) => this.repositoryView(r)) };
  }

  /** The App installed again on the repository: another installation covers it from now on. */
  @Post('repos/:owner/:repo/installation')
  moveRepository(@Param('owner') owner: string, @Param('repo') name: string, @Body() body: unknown) {
    const repo = this.store.repository(owner, name);
    if (!repo) throw new NotFoundException(`no repository ${owner}/${name}`);
    const { installationId } = sandboxBody(z.object({ installationId: z.number().int().positive() }), body);
    if (!this.store.listInstallations().some((i) => i.id === installationId))
      throw new NotFoundException(`no installation ${installationId}`);
    repo.installationId = installationId;
    return this.repositoryView(repo);
  }

  @Post('repos/:owner/:repo/pulls')
  recordPull(@Param('owner') owner: string, @Param('repo') name: string, @Body() body: unknown) {
    const repo = this.store.repository(owner, name);
    if (!repo) throw new NotFoundException(`no repository ${owner}/${name}`);
    const input = sandboxBody(pullInput, body);
    const merged = input.merged ?? true;
    return this.store.recordPull(repo, {
      number: input.number,
      title: input.title ?? `Pull request #${input.number}`,
      merged,
      mergeCommitSha: input.mergeCommitSha ?? null,
      baseRef: input.baseRef,
      headRef: input.headRef ?? `feature-${input.number}`,
      headSha: input.headSha ?? null,
      mergedAt: merged ? (input.mergedAt ?? new Date().toISOString()) : null,
      createdAt: new Date().toISOString(),
    });
  }

  private installationView(installation: GhInstallation) {
    return {
      id: installation.id,
      account: installation.account.login,
      accountType: installation.account.type,
      createdAt: installation.createdAt,
    };
  }

  private repositoryView(repo: GhRepository) {
    const fullName = `${repo.owner.login}/${repo.name}`;
    return {
      id: repo.id,
      owner: repo.owner.login,
      name: repo.name,
      fullName,
      defaultBranch: repo.defaultBranch,
      installationId: repo.installationId ?? null,
      private: repo.private,
      cloneUrl: `${this.context.baseUrl}/github/git/${fullName}.git`,
    };
  }
}
