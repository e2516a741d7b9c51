import { Controller, Get, Param, Req } from '@nestjs/common';
import type { Request } from 'express';
import { SandboxContext } from '../common/sandbox-context';
import { GithubRepoAccess } from './github-repo-access';
import { githubNotFound } from './github-error';
import { pullView, repoView } from './github-views';
import { GithubStore } from './github.store';

/** Repository reads (installation token required), under /github/api. */
@Controller('github/api/repos/:owner/:repo')
export class GithubReposController {
  constructor(
    private readonly access: GithubRepoAccess,
    private readonly store: GithubStore,
    private readonly context: SandboxContext,
  ) {}

  @Get()
  repository(@Req() req: Request, @Param('owner') owner: string, @Param('repo') name: string) {
    return repoView(this.access.resolve(req, owner, name), this.context.baseUrl);
  }

  /** Pull requests associated with a commit: those merged as it, or whose head it is. */
  @Get('commits/:sha/pulls')
  pullsForCommit(
    @Req() req: Request,
    @Param('owner') owner: string,
    @Param('repo') name: string,
    @Param('sha') sha: string,
  ) {
    const repo = this.access.resolve(req, owner, name);
    return this.store
      .pullsOf(repo)
      .filter((p) => p.mergeCommitSha === sha || p.headSha === sha)
      .map((p) => pullView(p, repo, this.context.baseUrl));
  }

  @Get('pulls/:number')
  pull(
    @Req() req: Request,
    @Param('owner') owner: string,
    @Param('repo') name: string,
    @Param('number') number: string,
  ) {
    const repo = this.access.resolve(req, owner, name);
    const pull = this.store.pullsOf(repo).find((p) => String(p.number) === number);
    if (!pull) throw githubNotFound();
    return pullView(pull, repo, this.context.baseUrl);
  }
}
