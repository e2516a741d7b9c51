import { hashPassword } from '@klepaas/auth';
import { loadConfig, SANDBOX_ADMIN_PASSWORD } from '@klepaas/config';
import { AdminLogin } from './admin-login';

const production = {
  KLEPAAS_JWT_SECRET: 'a-long-jwt-secret-of-thirty-two-bytes',
  KLEPAAS_WEBHOOK_SECRET_KEY: '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff',
  KLEPAAS_ADMIN_LOGIN_USERNAME: 'admin',
  KLEPAAS_PUBLIC_URL: 'https://cicd.example.com',
};
const cheap = { N: 1 << 14, r: 8, p: 1 };

describe('AdminLogin', () => {
  it("refuses to start outside sandbox mode with any hash of the sandbox's development password", () => {
    const config = loadConfig('gateway', {
      ...production,
      KLEPAAS_ADMIN_LOGIN_PASSWORD_HASH: hashPassword(SANDBOX_ADMIN_PASSWORD, cheap),
    });
    expect(() => new AdminLogin(config)).toThrow(/sandbox's development password/);
  });

  it('starts with a password of the operator’s own, and in sandbox mode with the development one', () => {
    const own = loadConfig('gateway', {
      ...production,
      KLEPAAS_ADMIN_LOGIN_PASSWORD_HASH: hashPassword('an-operator-password', cheap),
    });
    expect(() => new AdminLogin(own)).not.toThrow();
    const sandbox = loadConfig('gateway', {
      KLEPAAS_SANDBOX: 'true',
      KLEPAAS_JWT_SECRET: 'x',
      KLEPAAS_ADMIN_LOGIN_USERNAME: 'admin',
    });
    expect(() => new AdminLogin(sandbox)).not.toThrow();
  });
});
