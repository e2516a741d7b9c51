import { All, Controller, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { parseBasicAuth } from '../common/basic-auth';
import { GitCli } from '../common/git-cli';
import { SandboxContext } from '../common/sandbox-context';
import { GithubAuth } from '../github/github-auth.service';
import { GithubStore } from '../github/github.store';
import { GitHttpBackend } from './git-http-backend';

/**
 * The GitHub stand-in's repositories over smart HTTP at /github/git/<owner>/<repo>.git. As on
 * GitHub, the password is a token (an installation token, or the sandbox admin token) and the
 * user name is not checked (`x-access-token` by convention). A repository the token does not
 * cover is "not found".
 */
@Controller('github/git')
export class GithubGitController {
  constructor(
    private readonly backend: GitHttpBackend,
    private readonly store: GithubStore,
    private readonly auth: GithubAuth,
    private readonly git: GitCli,
    private readonly context: SandboxContext,
  ) {}

  @All('*path')
  async serve(@Req() req: Request, @Res() res: Response): Promise<void> {
    const match = /^\/github\/git\/([A-Za-z0-9-]{1,39})\/([A-Za-z0-9_.-]{1,100}?)\.git(\/.*)?$/.exec(req.path);
    const credentials = parseBasicAuth(req.headers.authorization);
    const grant = credentials ? this.auth.grantFor(credentials.password) : undefined;
    if (!credentials || !grant) {
      res.status(401).setHeader('WWW-Authenticate', 'Basic realm="GitHub"');
      return void res
        .type('text/plain')
        .send('Invalid username or token. Password authentication is not supported for Git operations.');
    }
    const repo = match ? this.store.repository(match[1], match[2]) : undefined;
    if (!match || !repo || !this.auth.canAccess(grant, repo))
      return void res.status(404).type('text/plain').send('Repository not found.');
    const rest = match[3] ?? '/';
    await this.backend.serve(req, res, {
      projectRoot: this.context.githubRoot,
      pathInfo: `/${repo.owner.login.toLowerCase()}/${repo.name.toLowerCase()}.git${rest}`,
      remoteUser: credentials.username || 'x-access-token',
    });
    if (req.method === 'POST' && rest === '/git-receive-pack') await this.git.repairHead(repo.gitDir);
  }
}
