import { TokenVerifier } from '@klepaas/auth';
import { SANDBOX_DEFAULTS as SANDBOX_OPTIONS } from '../apps/sandbox/src/config/sandbox-options';

// `npm start`'s environment and banner (plain JavaScript, as scripts/ is).
const { environment, bannerText, SANDBOX_DEFAULTS } = require('../scripts/sandbox-env');

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
});
