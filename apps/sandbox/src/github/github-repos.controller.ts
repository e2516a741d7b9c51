import { Controller, Get, Param, Req, Res, UnprocessableEntityException } from '@nestjs/common';
import type { Request, Response } from 'express';
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

  /**
   * The commit a branch, tag or sha names (GitHub answers 422 when there is none), with an ETag:
   * a request whose If-None-Match still matches gets 304 and no body, as GitHub's conditional
   * requests do.
   */
  @Get('commits/:ref')
  async commit(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Param('owner') owner: string,
    @Param('repo') name: string,
    @Param('ref') ref: string,
  ) {
    const repo = this.access.resolve(req, owner, name);
    const sha = await this.git.resolveRef(repo.gitDir, ref);
    if (!sha) throw new UnprocessableEntityException({ message: `No commit found for SHA: ${ref}` });
    const etag = `W/"${sha}"`;
    res.setHeader('ETag', etag);
    if (req.headers['if-none-match'] === etag) {
      res.status(304);
      return undefined;
    }
    const message = (await this.git.commitMessage(repo.gitDir, sha)) ?? '';
    return { sha, commit: { message }, html_url: `${this.context.baseUrl}/github/${owner}/${name}/commit/${sha}` };
  }

  /** The files changed between two commits (`base...head`); 404 when either is unknown. */
  @Get('compare/:range')
  async compare(
    @Req() req: Request,
    @Param('owner') owner: string,
    @Param('repo') name: string,
    @Param('range') range: string,
  ) {
    const repo = this.access.resolve(req, owner, name);
    const [base, head] = range.split('...');
    const [from, to] = await Promise.all([
      base ? this.git.resolveRef(repo.gitDir, base) : undefined,
      head ? this.git.resolveRef(repo.gitDir, head) : undefined,
    ]);
    const files = from && to ? await this.git.changedFiles(repo.gitDir, from, to) : undefined;
    if (!files) throw githubNotFound();
    return { status: 'ahead', files: files.map((filename) => ({ filename, status: 'modified' })) };
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
