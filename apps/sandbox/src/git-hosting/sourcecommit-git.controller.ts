import { All, Controller, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { parseBasicAuth, safeEqual } from '../common/basic-auth';
import { GitCli } from '../common/git-cli';
import { PushEvents } from '../common/push-events';
import { SandboxContext } from '../common/sandbox-context';
import { SourceCommitRepositories } from '../ncp/sourcecommit/repositories.store';
import { GitHttpBackend } from './git-http-backend';

/**
 * SourceCommit's repositories over smart HTTP at /git/<repo>.git, with basic auth by the
 * SourceCommit Git account (not the API keys, as on NCP). After a push, HEAD is pointed at a
 * branch that exists and the moved branches are announced (SourcePipeline triggers).
 */
@Controller('git')
export class SourceCommitGitController {
  constructor(
    private readonly backend: GitHttpBackend,
    private readonly repositories: SourceCommitRepositories,
    private readonly git: GitCli,
    private readonly pushEvents: PushEvents,
    private readonly context: SandboxContext,
  ) {}

  @All('*path')
  async serve(@Req() req: Request, @Res() res: Response): Promise<void> {
    const match = /^\/git\/([A-Za-z0-9_-]{1,100})\.git(\/.*)?$/.exec(req.path);
    const credentials = parseBasicAuth(req.headers.authorization);
    const { sourceCommitUsername, sourceCommitPassword } = this.context.options;
    if (
      !credentials ||
      !safeEqual(credentials.username, sourceCommitUsername) ||
      !safeEqual(credentials.password, sourceCommitPassword)
    ) {
      res.status(401).setHeader('WWW-Authenticate', 'Basic realm="SourceCommit"');
      return void res.type('text/plain').send('Authentication failed');
    }
    const repo = match ? this.repositories.find(match[1]) : undefined;
    if (!match || !repo) return void res.status(404).type('text/plain').send('Repository not found');
    const rest = match[2] ?? '/';
    const isPush = req.method === 'POST' && rest === '/git-receive-pack';
    const before = isPush ? await this.git.branchHeads(repo.gitDir) : undefined;
    await this.backend.serve(req, res, {
      projectRoot: this.context.sourceCommitRoot,
      pathInfo: `/${repo.name}.git${rest}`,
      remoteUser: credentials.username,
    });
    if (!before) return;
    await this.git.repairHead(repo.gitDir);
    const after = await this.git.branchHeads(repo.gitDir);
    const moved = [...after].filter(([branch, sha]) => before.get(branch) !== sha).map(([branch]) => branch);
    if (moved.length) this.pushEvents.emit({ repository: repo.name, branches: moved });
  }
}
