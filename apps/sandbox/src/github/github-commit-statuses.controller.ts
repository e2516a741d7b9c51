import { Body, Controller, Get, Param, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { z } from 'zod';
import { GitCli } from '../common/git-cli';
import { COMMIT_STATES, GhCommitStatus, GithubCommitStatuses } from './github-commit-statuses.store';
import { GithubError } from './github-error';
import { GithubRepoAccess } from './github-repo-access';

const createStatus = z.object({
  state: z.enum(COMMIT_STATES),
  target_url: z.string().nullable().optional(),
  description: z.string().max(140).nullable().optional(),
  context: z.string().min(1).optional(),
});

/** Commit statuses (installation token required), under /github/api. */
@Controller('github/api/repos/:owner/:repo')
export class GithubCommitStatusesController {
  constructor(
    private readonly access: GithubRepoAccess,
    private readonly statuses: GithubCommitStatuses,
    private readonly git: GitCli,
  ) {}

  /** 201; the sha must be a commit of the repository (422 otherwise), `context` defaults to `default`. */
  @Post('statuses/:sha')
  async create(
    @Req() req: Request,
    @Param('owner') owner: string,
    @Param('repo') name: string,
    @Param('sha') sha: string,
    @Body() body: unknown,
  ) {
    const repo = this.access.resolve(req, owner, name);
    const parsed = createStatus.safeParse(body ?? {});
    if (!parsed.success) throw new GithubError(422, 'Validation Failed');
    const resolved = /^[0-9a-f]{40}$/.test(sha) ? await this.git.resolveRef(repo.gitDir, sha) : null;
    if (resolved !== sha) throw new GithubError(422, `No commit found for SHA: ${sha}`);
    return view(
      this.statuses.add({
        repoId: repo.id,
        sha,
        state: parsed.data.state,
        context: parsed.data.context ?? 'default',
        description: parsed.data.description ?? '',
        targetUrl: parsed.data.target_url ?? '',
      }),
    );
  }

  /** Newest first, as GitHub lists them. */
  @Get('commits/:ref/statuses')
  list(@Req() req: Request, @Param('owner') owner: string, @Param('repo') name: string, @Param('ref') ref: string) {
    const repo = this.access.resolve(req, owner, name);
    return [...this.statuses.list(repo.id, ref)].reverse().map(view);
  }
}

function view(status: GhCommitStatus) {
  return {
    id: status.id,
    state: status.state,
    context: status.context,
    description: status.description || null,
    target_url: status.targetUrl || null,
    created_at: status.createdAt,
    updated_at: status.createdAt,
  };
}
