import { Body, Controller, Get, Param, Post, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import { z } from 'zod';
import { GitCli } from '../common/git-cli';
import { SandboxContext } from '../common/sandbox-context';
import { DEPLOYMENT_STATES, GhDeployment, GithubDeployments } from './github-deployments.store';
import { GithubError, githubNotFound } from './github-error';
import { GithubRepoAccess } from './github-repo-access';
import { deploymentStatusView, deploymentView } from './github-views';
import { GhRepository } from './github.store';

const createDeployment = z.object({
  ref: z.string().min(1),
  task: z.string().optional(),
  payload: z.union([z.record(z.string(), z.unknown()), z.string()]).optional(),
  environment: z.string().min(1).optional(),
  description: z.string().nullable().optional(),
  transient_environment: z.boolean().optional(),
  production_environment: z.boolean().optional(),
  // Accepted for compatibility; the stand-in never merges branches nor checks commit statuses.
  auto_merge: z.boolean().optional(),
  required_contexts: z.array(z.string()).optional(),
});

const createStatus = z.object({
  state: z.enum(DEPLOYMENT_STATES),
  description: z.string().max(140).optional(),
  environment: z.string().optional(),
  target_url: z.string().optional(),
  log_url: z.string().optional(),
  environment_url: z.string().optional(),
  auto_inactive: z.boolean().optional(),
});

/** GitHub Deployments and deployment statuses (installation token required), under /github/api. */
@Controller('github/api/repos/:owner/:repo/deployments')
export class GithubDeploymentsController {
  constructor(
    private readonly access: GithubRepoAccess,
    private readonly deployments: GithubDeployments,
    private readonly git: GitCli,
    private readonly context: SandboxContext,
  ) {}

  /** 201 with the deployment; the ref must resolve in the repository (422 "No ref found" otherwise). */
  @Post()
  async create(@Req() req: Request, @Param('owner') owner: string, @Param('repo') name: string, @Body() body: unknown) {
    const repo = this.access.resolve(req, owner, name);
    const input = validate(createDeployment, body);
    const sha = await this.git.resolveRef(repo.gitDir, input.ref);
    if (!sha) throw new GithubError(422, `No ref found for: ${input.ref}`);
    const environment = input.environment ?? 'production';
    const deployment = this.deployments.create({
      repoId: repo.id,
      sha,
      ref: input.ref,
      task: input.task ?? 'deploy',
      payload: input.payload ?? {},
      environment,
      originalEnvironment: environment,
      description: input.description ?? null,
      transient: input.transient_environment ?? false,
      production: input.production_environment ?? environment === 'production',
    });
    return deploymentView(deployment, repo, this.context.baseUrl);
  }

  /** Newest first, filtered by sha, ref, task, environment; `per_page` (max 100) and `page`. */
  @Get()
  list(
    @Req() req: Request,
    @Param('owner') owner: string,
    @Param('repo') name: string,
    @Query() query: Record<string, string>,
  ) {
    const repo = this.access.resolve(req, owner, name);
    const matches = this.deployments
      .list(repo.id)
      .filter(
        (d) =>
          (!query.sha || d.sha === query.sha) &&
          (!query.ref || d.ref === query.ref) &&
          (!query.task || d.task === query.task),
      )
      .filter((d) => !query.environment || d.environment === query.environment);
    const perPage = Math.min(Math.max(Number(query.per_page) || 30, 1), 100);
    const pageNo = Math.max(Number(query.page) || 1, 1);
    return matches
      .slice((pageNo - 1) * perPage, pageNo * perPage)
      .map((d) => deploymentView(d, repo, this.context.baseUrl));
  }

  @Get(':id')
  one(@Req() req: Request, @Param('owner') owner: string, @Param('repo') name: string, @Param('id') id: string) {
    const repo = this.access.resolve(req, owner, name);
    return deploymentView(this.mustFind(repo, id), repo, this.context.baseUrl);
  }

  @Post(':id/statuses')
  addStatus(
    @Req() req: Request,
    @Param('owner') owner: string,
    @Param('repo') name: string,
    @Param('id') id: string,
    @Body() body: unknown,
  ) {
    const repo = this.access.resolve(req, owner, name);
    const deployment = this.mustFind(repo, id);
    const input = validate(createStatus, body);
    if (input.environment) deployment.environment = input.environment;
    const status = this.deployments.addStatus(
      deployment,
      {
        state: input.state,
        description: input.description ?? '',
        environment: deployment.environment,
        targetUrl: input.target_url ?? input.log_url ?? '',
        logUrl: input.log_url ?? input.target_url ?? '',
        environmentUrl: input.environment_url ?? '',
      },
      input.auto_inactive ?? true,
    );
    return deploymentStatusView(status, deployment, repo, this.context.baseUrl);
  }

  /** Newest first. */
  @Get(':id/statuses')
  statuses(@Req() req: Request, @Param('owner') owner: string, @Param('repo') name: string, @Param('id') id: string) {
    const repo = this.access.resolve(req, owner, name);
    const deployment = this.mustFind(repo, id);
    return [...deployment.statuses]
      .reverse()
      .map((s) => deploymentStatusView(s, deployment, repo, this.context.baseUrl));
  }

  private mustFind(repo: GhRepository, id: string): GhDeployment {
    const deployment = /^\d+$/.test(id) ? this.deployments.find(repo.id, Number(id)) : undefined;
    if (!deployment) throw githubNotFound();
    return deployment;
  }
}

/** GitHub answers a body that does not fit with 422 "Validation Failed" and one entry per problem. */
function validate<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const errors = result.error.issues.map((issue) => ({
    resource: 'Deployment',
    field: issue.path.join('.'),
    code: issue.code === 'invalid_type' ? 'missing_field' : 'invalid',
    message: issue.message,
  }));
  throw new GithubError(422, 'Validation Failed', errors);
}
