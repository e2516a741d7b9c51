import { Body, Controller, Get, NotFoundException, Param, Post, Put, Req } from '@nestjs/common';
import type { Request } from 'express';
import { z } from 'zod';
import { SandboxContext } from '../common/sandbox-context';
import { sandboxBody } from '../common/sandbox-validation';
import { PERMISSIONS, GithubCollaborators } from './github-collaborators.store';
import { githubNotFound } from './github-error';
import { GithubRepoAccess } from './github-repo-access';
import { userView } from './github-views';
import { GithubStore } from './github.store';

const LOGIN = /^[A-Za-z0-9-]{1,39}$/;
const userInput = z.object({
  login: z.string().regex(LOGIN, 'must be a GitHub login'),
  id: z.number().int().positive().optional(),
});
const grantInput = z.object({ permission: z.enum(PERMISSIONS) });

/** GitHub's collaborator permission API, and the sandbox routes that set users and permissions. */
@Controller()
export class GithubCollaboratorsController {
  constructor(
    private readonly access: GithubRepoAccess,
    private readonly store: GithubStore,
    private readonly collaborators: GithubCollaborators,
    private readonly context: SandboxContext,
  ) {}

  /** As GitHub: 404 for a user it does not know, else the permission (maintain and triage are not modelled). */
  @Get('github/api/repos/:owner/:repo/collaborators/:username/permission')
  permission(
    @Req() req: Request,
    @Param('owner') owner: string,
    @Param('repo') name: string,
    @Param('username') username: string,
  ) {
    const repo = this.access.resolve(req, owner, name);
    const user = this.collaborators.user(username);
    if (!user) throw githubNotFound();
    const permission = this.collaborators.permissionOf(repo, user);
    return { permission, role_name: permission, user: userView(user, this.context.baseUrl) };
  }

  /** A GitHub user (an id may be given, so a test can mint a token naming it). */
  @Post('_sandbox/github/users')
  createUser(@Body() body: unknown) {
    const input = sandboxBody(userInput, body);
    const user = this.store.account(input.login, 'User', input.id);
    return { login: user.login, id: user.id };
  }

  /** Sets one user's permission on a repository (`none` takes away even an owner's default admin). */
  @Put('_sandbox/github/repos/:owner/:repo/collaborators/:login')
  grant(
    @Param('owner') owner: string,
    @Param('repo') name: string,
    @Param('login') login: string,
    @Body() body: unknown,
  ) {
    const repo = this.store.repository(owner, name);
    if (!repo) throw new NotFoundException(`no repository ${owner}/${name}`);
    if (!LOGIN.test(login)) throw new NotFoundException(`${login} is not a GitHub login`);
    const { permission } = sandboxBody(grantInput, body);
    const user = this.collaborators.grant(repo, login, permission);
    return { login: user.login, id: user.id, permission };
  }
}
