import { Body, Controller, Get, Inject, Logger, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { InvalidTokenError, isOperator, TokenVerifier } from '@klepaas/auth';
import { KLEPAAS_CONFIG, KlepaasConfig } from '@klepaas/config';
import { convertAppManifest, isGithubError } from '@klepaas/github';
import { appManifest, manifestFormAction } from './app-manifest';
import { manifestCode } from './callback-code';
import { credentialsPage, manifestPage, problemPage, setupFormPage } from './setup-pages';
import { SetupState } from './setup-state';

export const SETUP_PATH = '/api/v1/admin/github-app/setup';

const GITHUB_LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;

/**
 * The GitHub App in one click (docs/github-app.md): an operator opens the setup page, the
 * gateway answers with a manifest form their browser posts to GitHub, and GitHub sends them back
 * to the callback with a one-time code that becomes the App's id, private key and webhook secret,
 * shown once as configuration lines. Browser pages, so the operator token comes in the form (or
 * the Authorization header), and the callback is tied to it by a signed `state`.
 */
@ApiExcludeController()
@Controller('api/v1/admin/github-app')
export class GithubAppSetupController {
  private readonly state: SetupState;
  private readonly log = new Logger(GithubAppSetupController.name);

  constructor(
    @Inject(KLEPAAS_CONFIG) private readonly config: KlepaasConfig,
    @Inject(TokenVerifier) private readonly tokens: TokenVerifier,
  ) {
    this.state = new SetupState(config.jwtSecret!);
  }

  @Get('setup')
  form(@Res() res: Response) {
    const host = new URL(this.config.publicUrl).hostname.replace(/[^A-Za-z0-9-]+/g, '-');
    send(res, 200, setupFormPage(SETUP_PATH, `klepaas-${host}`.slice(0, 34), this.config.github.webUrl));
  }

  @Post('setup')
  manifest(@Req() req: Request, @Body() body: Record<string, unknown> | undefined, @Res() res: Response) {
    const operator = this.operator(req, body?.token);
    if ('problem' in operator) return send(res, operator.status, problemPage('Not allowed', operator.problem));
    const name = typeof body?.name === 'string' ? body.name.trim() : '';
    const organisation = typeof body?.organization === 'string' ? body.organization.trim() : '';
    if (!name || name.length > 34 || [...name].some((c) => c.charCodeAt(0) < 0x20))
      return send(res, 400, problemPage('Bad request', 'name: 1 to 34 characters'));
    if (organisation && !GITHUB_LOGIN.test(organisation))
      return send(res, 400, problemPage('Bad request', 'organization: must be a GitHub login'));
    const state = this.state.issue(operator.userId);
    const action = manifestFormAction(this.config.github.webUrl, organisation || undefined, state);
    this.log.log(
      `GitHub App manifest issued to operator ${operator.userId} for ${organisation || 'a personal account'}`,
    );
    send(res, 200, manifestPage(action, appManifest({ publicUrl: this.config.publicUrl, name })));
  }

  @Get('callback')
  async callback(@Req() req: Request, @Query('state') state: string | undefined, @Res() res: Response) {
    const checked = this.state.check(state);
    if ('problem' in checked) return send(res, 400, problemPage('Setup refused', checked.problem));
    const code = manifestCode(req);
    if (!code || code.length > 200) return send(res, 400, problemPage('Setup refused', 'GitHub sent no code'));
    try {
      const app = await convertAppManifest(this.config.github.apiUrl, code);
      this.log.log(`GitHub App ${app.id} (${app.slug}) created from the manifest by operator ${checked.operator}`);
      send(
        res,
        200,
        credentialsPage({
          htmlUrl: app.htmlUrl,
          lines: [
            `KLEPAAS_GITHUB_APP_ID=${app.id}`,
            `KLEPAAS_GITHUB_APP_PRIVATE_KEY=${app.pem.trim().replace(/\r?\n/g, '\\n')}`,
            ...(app.webhookSecret ? [`KLEPAAS_GITHUB_APP_WEBHOOK_SECRET=${app.webhookSecret}`] : []),
          ],
        }),
      );
    } catch (error) {
      // GitHub's answer, never the code: a failed conversion is retried from the setup page.
      const reason = isGithubError(error) ? `${error.code} (HTTP ${error.status})` : 'no answer';
      this.log.warn(`GitHub App manifest conversion failed for operator ${checked.operator}: ${reason}`);
      send(
        res,
        502,
        problemPage(
          'GitHub refused the conversion',
          `GitHub answered ${reason}. The code is valid once, for one hour: start again from the setup page.`,
        ),
      );
    }
  }

  private operator(req: Request, formToken: unknown): { userId: string } | { status: number; problem: string } {
    const header = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const token = header ?? (typeof formToken === 'string' ? formToken.trim() : '');
    if (!token) return { status: 401, problem: 'an operator token is required' };
    try {
      const principal = this.tokens.verify(token);
      if (!isOperator(principal)) return { status: 403, problem: 'operators only (a token with the admin role)' };
      return { userId: principal.userId };
    } catch (error) {
      if (error instanceof InvalidTokenError) return { status: 401, problem: error.message };
      throw error;
    }
  }
}

/** Pages that must stay out of caches, referrers and frames: one of them holds a private key. */
function send(res: Response, status: number, html: string): void {
  res
    .status(status)
    .set({
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
    })
    .type('html')
    .send(html);
}
