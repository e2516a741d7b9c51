import { Body, Controller, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { SandboxContext } from '../common/sandbox-context';
import { AppManifests } from './app-manifests.store';
import { GithubError, githubNotFound } from './github-error';

const httpUrl = z
  .string()
  .max(2000)
  .refine((u) => /^https?:\/\//.test(u) && URL.canParse(u), 'must be an http(s) URL');

/** The fields of a manifest the sandbox checks; GitHub checks more and ignores what it does not know. */
const manifestSchema = z.object({
  name: z.string().min(1).max(34).optional(),
  url: httpUrl,
  redirect_url: httpUrl,
  hook_attributes: z.object({ url: httpUrl, active: z.boolean().optional() }),
  default_permissions: z.record(z.string(), z.enum(['read', 'write'])).optional(),
  default_events: z.array(z.string()).optional(),
  public: z.boolean().optional(),
});

const LOGIN = /^[A-Za-z0-9-]{1,39}$/;

/**
 * GitHub's "create an App from a manifest" flow, in small: the web page a manifest is posted to
 * (personal or organisation; GitHub asks the user to confirm the name, the sandbox goes straight
 * on) redirects to the manifest's `redirect_url` with a one-time code and the caller's `state`;
 * the API converts that code into the App's id, private key and webhook secret. The sandbox has
 * one App, so the conversion hands out that App's id and key (what the services can then use).
 */
@Controller('github')
export class GithubAppManifestController {
  constructor(
    private readonly manifests: AppManifests,
    private readonly context: SandboxContext,
  ) {}

  @Post('settings/apps/new')
  personal(@Body() body: unknown, @Query('state') state: string | undefined, @Res() res: Response) {
    this.accept(body, state, this.context.options.githubDeveloperLogin, 'User', res);
  }

  @Post('organizations/:org/settings/apps/new')
  organisation(
    @Param('org') org: string,
    @Body() body: unknown,
    @Query('state') state: string | undefined,
    @Res() res: Response,
  ) {
    if (!LOGIN.test(org)) throw githubNotFound();
    this.accept(body, state, org, 'Organization', res);
  }

  /** 201 with the App's credentials, once per code; 404 for an unknown, used or expired code (as GitHub). */
  @Post('api/app-manifests/:code/conversions')
  @HttpCode(201)
  convert(@Param('code') code: string) {
    const manifest = this.manifests.take(code);
    if (!manifest) throw githubNotFound();
    const id = Number(this.context.options.githubAppId);
    const slug = manifest.name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
    return {
      id,
      slug,
      node_id: `A_sandbox${id}`,
      name: manifest.name,
      owner: { login: manifest.owner, type: manifest.ownerType },
      html_url: `${this.context.baseUrl}/github/apps/${slug}`,
      external_url: manifest.webhookUrl,
      pem: this.context.options.githubAppPrivateKey,
      webhook_secret: randomBytes(20).toString('hex'),
      client_id: `Iv1.sandbox${id}`,
      client_secret: randomBytes(20).toString('hex'),
      created_at: new Date().toISOString(),
    };
  }

  private accept(
    body: unknown,
    state: string | undefined,
    owner: string,
    ownerType: 'User' | 'Organization',
    res: Response,
  ) {
    const raw = (body as { manifest?: unknown } | undefined)?.manifest;
    if (typeof raw !== 'string' || raw.length > 64 * 1024) throw new GithubError(422, 'A manifest is required.');
    let parsed: z.infer<typeof manifestSchema>;
    try {
      parsed = manifestSchema.parse(JSON.parse(raw));
    } catch {
      throw new GithubError(422, 'The manifest is not valid.');
    }
    const code = this.manifests.issue({
      name: parsed.name ?? 'sandbox-app',
      owner,
      ownerType,
      webhookUrl: parsed.hook_attributes.url,
    });
    const target = new URL(parsed.redirect_url);
    target.searchParams.set('code', code);
    if (state !== undefined) target.searchParams.set('state', state);
    res.redirect(302, target.toString());
  }
}
