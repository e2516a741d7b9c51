import { Controller, Get, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import { parseBasicAuth, safeEqual } from '../common/basic-auth';
import { SandboxContext } from '../common/sandbox-context';
import { RegistryError } from './registry-error';
import { REGISTRY_TOKEN_TTL_SECONDS, RegistryTokens } from './registry-tokens.service';

/**
 * The registry's token realm. NCR's real challenge is undocumented (docs/ncp.md, api §7);
 * this follows what K-Le-PaaS handled: basic auth with the NCP access key and secret key,
 * answered with `token` and `access_token`.
 */
@Controller('ncp/ncr')
export class RegistryTokenController {
  constructor(
    private readonly tokens: RegistryTokens,
    private readonly context: SandboxContext,
  ) {}

  @Get('token')
  token(@Req() req: Request, @Query('scope') scope: string | string[] | undefined) {
    const credentials = parseBasicAuth(req.headers.authorization);
    const { ncpAccessKey, ncpSecretKey } = this.context.options;
    if (
      !credentials ||
      !safeEqual(credentials.username, ncpAccessKey) ||
      !safeEqual(credentials.password, ncpSecretKey)
    ) {
      throw new RegistryError(401, 'UNAUTHORIZED', 'authentication required', undefined, {
        'WWW-Authenticate': `Basic realm="${this.context.options.registryName}"`,
      });
    }
    const scopes = (Array.isArray(scope) ? scope : scope ? [scope] : []).flatMap((s) => s.split(' '));
    const token = this.tokens.issue(scopes);
    return { token, access_token: token, expires_in: REGISTRY_TOKEN_TTL_SECONDS, issued_at: new Date().toISOString() };
  }
}
