import {
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  Logger,
  NotFoundException,
  UnauthorizedException,
} from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { mintToken, verifyPassword, verifyPasswordSync } from '@klepaas/auth';
import { AdminLoginSettings, KLEPAAS_CONFIG, KlepaasConfig, SANDBOX_ADMIN_PASSWORD } from '@klepaas/config';
import { AttemptLimiter } from './attempt-limiter';

/** Failed attempts one client may make per minute, and attempts of all clients together. */
export const FAILURES_PER_CLIENT_PER_MINUTE = 5;
export const ATTEMPTS_PER_MINUTE = 60;
/** How long a token from this login lives. */
export const ADMIN_TOKEN_TTL_SECONDS = 8 * 3600;

export class TooManyAttempts extends HttpException {
  constructor(readonly retryAfterSeconds: number) {
    super(`too many login attempts; try again in ${retryAfterSeconds} s`, HttpStatus.TOO_MANY_REQUESTS);
  }
}

/**
 * The original dashboard's admin login, for the one operator account in configuration: rate
 * limited before any password is checked (each check costs a scrypt), the username and password
 * compared in constant time whichever is wrong, and a token of our own issued (iss, aud, exp as
 * every bearer token needs; the operator role).
 */
@Injectable()
export class AdminLogin {
  private readonly log = new Logger('AdminLogin');
  private readonly account?: AdminLoginSettings;
  private readonly failures = new AttemptLimiter(FAILURES_PER_CLIENT_PER_MINUTE, 60_000);
  private readonly attempts = new AttemptLimiter(ATTEMPTS_PER_MINUTE, 60_000);

  constructor(@Inject(KLEPAAS_CONFIG) private readonly config: KlepaasConfig) {
    this.account = config.adminLogin;
    // A copy of the sandbox's hash would be caught by configuration; a new hash of its password here.
    if (this.account && !config.sandbox && verifyPasswordSync(SANDBOX_ADMIN_PASSWORD, this.account.passwordHash)) {
      throw new Error("KLEPAAS_ADMIN_LOGIN_PASSWORD_HASH is a hash of the sandbox's development password");
    }
  }

  async login(client: string, username: string, password: string) {
    const account = this.account;
    if (!account) throw new NotFoundException('the admin login is not enabled on this installation');
    const wait = Math.max(this.failures.retryAfterMs(client), this.attempts.retryAfterMs('all'));
    if (wait > 0) throw new TooManyAttempts(Math.ceil(wait / 1000));
    this.attempts.record('all');
    const nameMatches = timingSafeEqual(digest(username), digest(account.username));
    const passwordMatches = await verifyPassword(password, account.passwordHash);
    if (!nameMatches || !passwordMatches) {
      this.failures.record(client);
      this.log.warn(`admin login refused (client ${client})`);
      throw new UnauthorizedException('invalid username or password');
    }
    const userId = `admin:${account.username}`;
    const token = mintToken(
      this.config.jwtSecret!,
      { userId, roles: ['admin'], ...(account.github ? { github: account.github } : {}) },
      { expiresInSeconds: ADMIN_TOKEN_TTL_SECONDS, issuer: this.config.jwtIssuer, audience: this.config.jwtAudience },
    );
    this.log.log(`admin login of ${account.username} (client ${client})`);
    return {
      success: true,
      access_token: token,
      token_type: 'bearer',
      expires_in: ADMIN_TOKEN_TTL_SECONDS,
      user: { id: userId, provider_id: userId, email: '', name: account.username, provider: 'admin' },
      message: 'logged in',
    };
  }
}

/** Equal-length inputs for timingSafeEqual, whatever was typed. */
function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
