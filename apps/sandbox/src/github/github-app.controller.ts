import { Body, Controller, Get, Param, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { z } from 'zod';
import { SandboxContext } from '../common/sandbox-context';
import { GithubAuth } from './github-auth.service';
import { GithubError, githubNotFound } from './github-error';
import { installationView, repoView } from './github-views';
import { GithubStore } from './github.store';
import { InstallationTokens } from './installation-tokens';

const accessTokenBody = z
  .object({
    repositories: z.array(z.string()).optional(),
    repository_ids: z.array(z.number().int()).optional(),
    permissions: z.record(z.string(), z.string()).optional(),
  })
  .optional();

/** GitHub App endpoints (App JWT required), under /github/api. */
@Controller('github/api')
export class GithubAppController {
  constructor(
    private readonly auth: GithubAuth,
    private readonly store: GithubStore,
    private readonly tokens: InstallationTokens,
    private readonly context: SandboxContext,
  ) {}

  @Get('app')
  app(@Req() req: Request) {
    this.auth.requireAppJwt(req);
    const id = Number(this.context.options.githubAppId);
    return {
      id,
      slug: 'klepaas-sandbox',
      name: 'K-Le-PaaS (sandbox)',
      permissions: {
        contents: 'write',
        deployments: 'write',
        metadata: 'read',
        pull_requests: 'read',
        statuses: 'write',
      },
    };
  }

  /** Every installation of the App (the preflight counts them). */
  @Get('app/installations')
  installations(@Req() req: Request) {
    this.auth.requireAppJwt(req);
    return this.store
      .listInstallations()
      .map((i) => installationView(i, this.context.options.githubAppId, this.context.baseUrl));
  }

  @Get('app/installations/:id')
  installation(@Req() req: Request, @Param('id') id: string) {
    this.auth.requireAppJwt(req);
    const installation = this.store.installation(Number(id));
    if (!installation) throw githubNotFound();
    return installationView(installation, this.context.options.githubAppId, this.context.baseUrl);
  }

  /** 201 `{token, expires_at, ...}`; `repositories` / `repository_ids` narrow the token as on GitHub. */
  @Post('app/installations/:id/access_tokens')
  accessToken(@Req() req: Request, @Param('id') id: string, @Body() body: unknown) {
    this.auth.requireAppJwt(req);
    const installation = this.store.installation(Number(id));
    if (!installation) throw githubNotFound();
    const parsed = accessTokenBody.safeParse(body ?? undefined);
    if (!parsed.success) throw new GithubError(422, 'Invalid request.');
    const covered = this.store.listRepositories().filter((r) => r.installationId === installation.id);
    let narrowed: typeof covered | undefined;
    if (parsed.data?.repositories || parsed.data?.repository_ids) {
      const names = (parsed.data.repositories ?? []).map((n) => n.toLowerCase());
      narrowed = covered.filter(
        (r) => names.includes(r.name.toLowerCase()) || parsed.data?.repository_ids?.includes(r.id),
      );
      if (narrowed.length !== names.length + (parsed.data.repository_ids?.length ?? 0))
        throw new GithubError(
          422,
          'There is at least one repository that does not exist or is not accessible to the parent installation.',
        );
    }
    const grant = this.tokens.issue(
      installation.id,
      narrowed?.map((r) => r.id),
    );
    return {
      token: grant.token,
      expires_at: new Date(grant.expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      permissions: parsed.data?.permissions ?? {
        contents: 'write',
        metadata: 'read',
        deployments: 'write',
        pull_requests: 'read',
        statuses: 'write',
      },
      repository_selection: narrowed ? 'selected' : 'all',
      ...(narrowed ? { repositories: narrowed.map((r) => repoView(r, this.context.baseUrl)) } : {}),
    };
  }

  /** Which installation of this App covers a repository (App JWT). */
  @Get('repos/:owner/:repo/installation')
  repositoryInstallation(@Req() req: Request, @Param('owner') owner: string, @Param('repo') name: string) {
    this.auth.requireAppJwt(req);
    const repo = this.store.repository(owner, name);
    const installation = repo?.installationId !== undefined ? this.store.installation(repo.installationId) : undefined;
    if (!installation) throw githubNotFound();
    return installationView(installation, this.context.options.githubAppId, this.context.baseUrl);
  }
}
