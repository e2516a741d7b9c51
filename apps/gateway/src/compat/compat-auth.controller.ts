import { Body, Controller, Get, Header, HttpCode, Ip, Post, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import { BearerAuthGuard, CurrentPrincipal, Principal } from '@klepaas/auth';
import { parseBody } from '../projects/project-input';
import { AdminLogin, TooManyAttempts } from './admin-login';

const loginSchema = z.object({
  username: z.string().min(1).max(200),
  password: z.string().min(1).max(1024),
});

/** The dashboard's login checks: who the token names, and the operator's admin login. */
@ApiTags('compat: original dashboard')
@Controller('api/v1/auth')
export class CompatAuthController {
  constructor(private readonly adminLogin: AdminLogin) {}

  @Get('me')
  @ApiBearerAuth()
  @UseGuards(BearerAuthGuard)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Who the bearer token names (any 2xx means logged in to the dashboard)' })
  me(@CurrentPrincipal() caller: Principal) {
    const provider = caller.userId.startsWith('admin:') ? 'admin' : caller.github ? 'github' : 'klepaas';
    return {
      status: 'success',
      id: caller.userId,
      provider_id: caller.userId,
      name: caller.github?.login ?? caller.userId,
      email: '',
      provider,
      roles: caller.roles,
      github: caller.github ?? null,
      expires_at: new Date(caller.expiresAt).toISOString(),
    };
  }

  @Post('oauth2/admin/login')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: "The operator's login for the dashboard, when enabled (KLEPAAS_ADMIN_LOGIN_USERNAME)" })
  @ApiBody({ schema: { type: 'object', properties: { username: { type: 'string' }, password: { type: 'string' } } } })
  @ApiResponse({ status: 200, description: '{"success": true, "access_token", "user", "message"}' })
  @ApiResponse({ status: 401, description: 'wrong username or password' })
  @ApiResponse({ status: 404, description: 'the admin login is not enabled' })
  @ApiResponse({ status: 429, description: 'too many attempts (Retry-After)' })
  async login(@Ip() client: string, @Body() body: unknown, @Res({ passthrough: true }) res: Response) {
    const input = parseBody(loginSchema, body);
    try {
      return await this.adminLogin.login(client, input.username, input.password);
    } catch (error) {
      if (error instanceof TooManyAttempts) res.setHeader('Retry-After', String(error.retryAfterSeconds));
      throw error;
    }
  }
}
