import { TokenVerifier } from '@klepaas/auth';
import { loadConfig, SANDBOX_ADMIN_PASSWORD as CONFIG_SANDBOX_ADMIN_PASSWORD } from '@klepaas/config';
import { SANDBOX_DEFAULTS as SANDBOX_OPTIONS } from '../apps/sandbox/src/config/sandbox-options';

// `npm start`'s environment and banner (plain JavaScript, as scripts/ is).
const { environment, bannerText, SANDBOX_DEFAULTS, SANDBOX_ADMIN_PASSWORD } = require('../scripts/sandbox-env');

const noKey = { KLEPAAS_GITHUB_APP_PRIVATE_KEY: 'a key the user set' };
const tokenIn = (banner: string) => /\n (ey[\w-]+\.[\w-]+\.[\w-]+)\n/.exec(banner)![1];

describe("npm start's banner", () => {
  it("prints the sandbox's own development secrets and a token for its development GitHub user", () => {
    const { env, sandbox, supplied } = environment(noKey);
    const banner: string = bannerText(sandbox, env, supplied);
    expect(banner).toContain(`App secret: ${SANDBOX_DEFAULTS.KLEPAAS_GITHUB_APP_WEBHOOK_SECRET}`);
    const principal = new TokenVerifier({
      secret: SANDBOX_DEFAULTS.KLEPAAS_JWT_SECRET,
      issuer: 'klepaas',
      audience: 'klepaas',
    }).verify(tokenIn(banner));
    // The identity the sandbox's GitHub reports as admin of every repository, so the README flow works.
    expect(principal).toMatchObject({
      userId: 'developer',
      roles: ['admin'],
      github: { id: SANDBOX_OPTIONS.githubDeveloperId, login: SANDBOX_OPTIONS.githubDeveloperLogin },
    });
  });

  it('never prints a value the user supplied, and signs the token with their issuer and audience', () => {
    const mine = {
      ...noKey,
      KLEPAAS_GITHUB_APP_WEBHOOK_SECRET: 'my-real-app-webhook-secret',
      KLEPAAS_JWT_SECRET: 'my-real-jwt-secret-that-is-long-enough',
      KLEPAAS_NCP_SECRET_KEY: 'my-real-ncp-secret-key',
      KLEPAAS_NCP_SOURCECOMMIT_PASSWORD: 'my-real-git-password',
      KLEPAAS_JWT_ISSUER: 'my-login',
      KLEPAAS_JWT_AUDIENCE: 'my-cicd',
    };
    const { env, sandbox, supplied } = environment(mine);
    const banner: string = bannerText(sandbox, env, supplied);
    for (const value of Object.values(mine)) if (value.startsWith('my-real')) expect(banner).not.toContain(value);
    expect(banner).toContain('(the value of KLEPAAS_GITHUB_APP_WEBHOOK_SECRET you set)');
    const verifier = new TokenVerifier({ secret: mine.KLEPAAS_JWT_SECRET, issuer: 'my-login', audience: 'my-cicd' });
    expect(verifier.verify(tokenIn(banner)).userId).toBe('developer');
  });

  it('prints no secret at all outside sandbox mode', () => {
    const { env, sandbox, supplied } = environment({ KLEPAAS_SANDBOX: 'false', KLEPAAS_JWT_SECRET: 'x'.repeat(40) });
    expect(sandbox).toBe(false);
    const banner: string = bannerText(sandbox, env, supplied);
    expect(banner).not.toContain('x'.repeat(40));
    expect(banner).toMatch(/Production mode/);
  });
  it("enables the dashboard's admin login with the development password, naming the development GitHub user", () => {
    const { env, sandbox, supplied } = environment(noKey);
    expect(SANDBOX_ADMIN_PASSWORD).toBe(CONFIG_SANDBOX_ADMIN_PASSWORD);
    const banner: string = bannerText(sandbox, env, supplied);
    expect(banner).toContain(`admin login admin / ${SANDBOX_ADMIN_PASSWORD}`);
    expect(banner).toMatch(/browser origins allowed: none \(set KLEPAAS_CORS_ORIGINS/);
    // What the gateway makes of that environment: the login on, its tokens naming the developer.
    const config = loadConfig('gateway', env);
    expect(config.adminLogin).toMatchObject({
      username: 'admin',
      sandboxPassword: true,
      github: { id: SANDBOX_OPTIONS.githubDeveloperId, login: SANDBOX_OPTIONS.githubDeveloperLogin },
    });
  });

  it('prints neither the password of a hash the user set nor any hash, and shows their CORS origins', () => {
    const hash = 'scrypt:32768:8:1:mhoARJHjNBIHEO0IpjnF9A:1FVmHucioKvTjoticsCdaarb-7SyQm1uJ95KC0MjXGM';
    const { env, sandbox, supplied } = environment({
      ...noKey,
      KLEPAAS_ADMIN_LOGIN_USERNAME: 'me',
      KLEPAAS_ADMIN_LOGIN_PASSWORD_HASH: hash,
      KLEPAAS_CORS_ORIGINS: 'http://localhost:3000',
    });
    const banner: string = bannerText(sandbox, env, supplied);
    expect(banner).toContain('admin login me / (the password of the hash you set)');
    expect(banner).not.toContain(SANDBOX_ADMIN_PASSWORD);
    expect(banner).not.toContain(hash);
    expect(banner).toContain('browser origins allowed: http://localhost:3000');
    expect(env.KLEPAAS_ADMIN_LOGIN_GITHUB_LOGIN).toBeUndefined();
  });
});
