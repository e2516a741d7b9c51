import { Controller, Get, Param, Req, UnprocessableEntityException } from '@nestjs/common';
import type { Request } from 'express';
import { GitCli } from '../common/git-cli';
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
    private readonly git: GitCli,
  ) {}

  @Get()
  repository(@Req() req: Request, @Param('owner') owner: string, @Param('repo') name: string) {
    return repoView(this.access.resolve(req, owner, name), this.context.baseUrl);
  }

  /** The commit a branch, tag or sha names (GitHub answers 422 when there is none). */
  @Get('commits/:ref')
  async commit(
    @Req() req: Request,
    @Param('owner') owner: string,
    @Param('repo') name: string,
    @Param('ref') ref: string,
  ) {
    const repo = this.access.resolve(req, owner, name);
    const sha = await this.git.resolveRef(repo.gitDir, ref);
    if (!sha) throw new UnprocessableEntityException({ message: `No commit found for SHA: ${ref}` });
    const message = (await this.git.commitMessage(repo.gitDir, sha)) ?? '';
    return { sha, commit: { message }, html_url: `${this.context.baseUrl}/github/${owner}/${name}/commit/${sha}` };
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
