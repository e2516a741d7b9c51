import { GITHUB_LOGIN_PATTERN, parsePasswordHash, PasswordHash } from '@klepaas/auth';
import type { AppName, RawEnv } from './env';

/**
 * The operator account of the original dashboard's admin login (docs/compat.md): off unless
 * KLEPAAS_ADMIN_LOGIN_USERNAME is set. Its password is known only by its scrypt hash.
 */
export interface AdminLoginSettings {
  username: string;
  passwordHash: PasswordHash;
  /** The GitHub account the issued tokens name (so the operator may register repositories). */
  github?: { id: number; login: string };
  /** True in sandbox mode when no hash was given: the password is SANDBOX_ADMIN_PASSWORD. */
  sandboxPassword: boolean;
}

/** The sandbox's development password of the admin login (README); refused outside sandbox mode. */
export const SANDBOX_ADMIN_PASSWORD = 'sandbox-admin-password';
export const SANDBOX_ADMIN_PASSWORD_HASH =
  'scrypt:32768:8:1:LAGVIXj5UvPqgpd2xOX-aQ:bBMSgudWbArOHSU47DI_prP5QM4hYFvB1lBf_f0x8hU';

const USERNAME = /^[A-Za-z0-9._@-]{1,64}$/;

export function checkAdminLogin(app: AppName, e: RawEnv, problems: string[], warnings: string[]): void {
  const username = e.KLEPAAS_ADMIN_LOGIN_USERNAME;
  const hash = e.KLEPAAS_ADMIN_LOGIN_PASSWORD_HASH;
  if (username !== undefined && !USERNAME.test(username))
    problems.push('KLEPAAS_ADMIN_LOGIN_USERNAME: 1 to 64 letters, digits and ._@-');
  if (hash !== undefined && !parsePasswordHash(hash)) {
    problems.push(
      'KLEPAAS_ADMIN_LOGIN_PASSWORD_HASH: must be scrypt:<N>:<r>:<p>:<salt>:<key> as scripts/hash-password.js writes it (N from 2^14 to 2^20)',
    );
  }
  if (hash !== undefined && username === undefined)
    problems.push('KLEPAAS_ADMIN_LOGIN_PASSWORD_HASH: set KLEPAAS_ADMIN_LOGIN_USERNAME too, or remove it');
  if (username !== undefined && hash === undefined) {
    if (!e.KLEPAAS_SANDBOX)
      problems.push(
        'KLEPAAS_ADMIN_LOGIN_PASSWORD_HASH: required with KLEPAAS_ADMIN_LOGIN_USERNAME outside sandbox mode (make one with scripts/hash-password.js)',
      );
    else if (app === 'gateway')
      warnings.push(`the admin login "${username}" has the sandbox's development password (README)`);
  }
  if (!e.KLEPAAS_SANDBOX && hash?.trim() === SANDBOX_ADMIN_PASSWORD_HASH)
    problems.push("KLEPAAS_ADMIN_LOGIN_PASSWORD_HASH: is the sandbox's development password; choose your own");
  const login = e.KLEPAAS_ADMIN_LOGIN_GITHUB_LOGIN;
  const id = e.KLEPAAS_ADMIN_LOGIN_GITHUB_USER_ID;
  if ((login === undefined) !== (id === undefined))
    problems.push('KLEPAAS_ADMIN_LOGIN_GITHUB_LOGIN and KLEPAAS_ADMIN_LOGIN_GITHUB_USER_ID: set both or neither');
  if (login !== undefined && !GITHUB_LOGIN_PATTERN.test(login))
    problems.push('KLEPAAS_ADMIN_LOGIN_GITHUB_LOGIN: must be a GitHub login');
}

export function adminLoginSettings(e: RawEnv): AdminLoginSettings | undefined {
  const username = e.KLEPAAS_ADMIN_LOGIN_USERNAME;
  if (username === undefined) return undefined;
  const hash = e.KLEPAAS_ADMIN_LOGIN_PASSWORD_HASH ?? SANDBOX_ADMIN_PASSWORD_HASH;
  return {
    username,
    passwordHash: parsePasswordHash(hash)!,
    ...(e.KLEPAAS_ADMIN_LOGIN_GITHUB_LOGIN && e.KLEPAAS_ADMIN_LOGIN_GITHUB_USER_ID
      ? { github: { id: e.KLEPAAS_ADMIN_LOGIN_GITHUB_USER_ID, login: e.KLEPAAS_ADMIN_LOGIN_GITHUB_LOGIN } }
      : {}),
    sandboxPassword: e.KLEPAAS_ADMIN_LOGIN_PASSWORD_HASH === undefined,
  };
}
