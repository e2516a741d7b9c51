import { parsePasswordHash, verifyPasswordSync } from '@klepaas/auth';
import { SANDBOX_ADMIN_PASSWORD, SANDBOX_ADMIN_PASSWORD_HASH } from './admin-login-settings';
import { ConfigError, loadConfig } from './config';

const parse = (text: string) => parsePasswordHash(text)!;

const base = {
  KLEPAAS_JWT_SECRET: 'a-long-jwt-secret-of-thirty-two-bytes',
  KLEPAAS_WEBHOOK_SECRET_KEY: '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff',
  KLEPAAS_PUBLIC_URL: 'https://cicd.example.com',
};

/** What the provisioner and the runner need outside sandbox mode besides their keys. */
const installation = {
  KLEPAAS_PUBLIC_URL: 'https://cicd.example.com',
  KLEPAAS_WEBHOOK_SECRET_KEY: 'a'.repeat(64),
  KLEPAAS_NCP_CONTAINER_REGISTRY_URL: 'klepaas.kr.ncr.ntruss.com',
  KLEPAAS_NCP_NKS_CLUSTER_ID: '00000000-0000-0000-0000-000000000001',
};

describe('loadConfig', () => {
  it('names every bad variable in one error', () => {
    const attempt = () =>
      loadConfig('gateway', {
        KLEPAAS_DATABASE_URL: 'mysql://x',
        KLEPAAS_GATEWAY_PORT: '99999',
        KLEPAAS_RETRY_DELAYS_MS: '1000,soon',
        KLEPAAS_SANDBOX: 'maybe',
      });
    expect(attempt).toThrow(ConfigError);
    const message = (() => {
      try {
        attempt();
      } catch (e) {
        return (e as Error).message;
      }
    })();
    for (const name of ['KLEPAAS_DATABASE_URL', 'KLEPAAS_GATEWAY_PORT', 'KLEPAAS_RETRY_DELAYS_MS', 'KLEPAAS_SANDBOX']) {
      expect(message).toContain(name);
    }
  });

  it('requires the JWT secret for the gateway, and NCP keys for the runner outside sandbox mode', () => {
    expect(() => loadConfig('gateway', {})).toThrow(/KLEPAAS_JWT_SECRET: required/);
    expect(() => loadConfig('gateway', { KLEPAAS_JWT_SECRET: base.KLEPAAS_JWT_SECRET })).toThrow(
      /KLEPAAS_WEBHOOK_SECRET_KEY: required/,
    );
    expect(() => loadConfig('runner', {})).toThrow(
      /KLEPAAS_NCP_ACCESS_KEY: required[\s\S]*KLEPAAS_NCP_SECRET_KEY: required/,
    );
    expect(() => loadConfig('runner', { KLEPAAS_SANDBOX: 'true' })).not.toThrow();
  });

  it('refuses to start outside sandbox mode without the registry and the cluster (provisioner, runner) or the public URL (gateway)', () => {
    const keys = { KLEPAAS_NCP_ACCESS_KEY: 'ak', KLEPAAS_NCP_SECRET_KEY: 'sk' };
    for (const app of ['provisioner', 'runner'] as const) {
      const message = (() => {
        try {
          loadConfig(app, keys);
        } catch (e) {
          return (e as Error).message;
        }
        return '';
      })();
      expect(message).toContain('KLEPAAS_NCP_CONTAINER_REGISTRY_URL: required outside sandbox mode');
      expect(message).toContain('KLEPAAS_NCP_NKS_CLUSTER_ID: required outside sandbox mode');
      expect(() => loadConfig(app, { ...keys, ...installation })).not.toThrow();
      // The name alone and the cluster's number do as well.
      expect(() =>
        loadConfig(app, {
          ...keys,
          KLEPAAS_PUBLIC_URL: installation.KLEPAAS_PUBLIC_URL,
          KLEPAAS_WEBHOOK_SECRET_KEY: installation.KLEPAAS_WEBHOOK_SECRET_KEY,
          KLEPAAS_NCP_CONTAINER_REGISTRY_NAME: 'klepaas',
          KLEPAAS_NCP_NKS_CLUSTER_NO: '1234',
        }),
      ).not.toThrow();
    }
    const { KLEPAAS_PUBLIC_URL: _publicUrl, ...withoutPublicUrl } = base;
    expect(() => loadConfig('gateway', withoutPublicUrl)).toThrow(
      /KLEPAAS_PUBLIC_URL: required by the gateway outside sandbox mode/,
    );
    // The runner links runs with the public URL and opens the projects' sealed Slack URLs.
    const { KLEPAAS_PUBLIC_URL: _url, KLEPAAS_WEBHOOK_SECRET_KEY: _key, ...runnerWithout } = installation;
    expect(() => loadConfig('runner', { ...keys, ...runnerWithout })).toThrow(
      /KLEPAAS_WEBHOOK_SECRET_KEY: required by the runner[\s\S]*KLEPAAS_PUBLIC_URL: required by the runner/,
    );
    // Sandbox mode has the sandbox's registry and cluster, and a local public URL.
    expect(() => loadConfig('provisioner', { KLEPAAS_SANDBOX: 'true' })).not.toThrow();
    expect(() => loadConfig('history', {})).not.toThrow();
  });

  it('never echoes a secret value in its error', () => {
    try {
      loadConfig('gateway', {
        ...base,
        KLEPAAS_GITHUB_WEBHOOK_SECRET: 'super-secret-value',
        KLEPAAS_GATEWAY_PORT: 'x',
      });
      throw new Error('expected a ConfigError');
    } catch (e) {
      expect((e as Error).message).not.toContain('super-secret-value');
    }
  });

  it('refuses the seed SQLite URL and warns about the seed SourceCommit project id', () => {
    expect(() => loadConfig('history', { KLEPAAS_DATABASE_URL: 'sqlite:////data/klepaas.db' })).toThrow(/SQLite/);
    const config = loadConfig('history', { KLEPAAS_NCP_SOURCECOMMIT_PROJECT_ID: '123' });
    expect(config.warnings.join()).toMatch(/KLEPAAS_NCP_SOURCECOMMIT_PROJECT_ID is ignored/);
  });

  it('points NCP, GitHub and the registry at the sandbox only when KLEPAAS_SANDBOX is true', () => {
    const real = loadConfig('runner', { ...installation, KLEPAAS_NCP_ACCESS_KEY: 'ak', KLEPAAS_NCP_SECRET_KEY: 'sk' });
    expect(real.ncp.endpoints.sourceDeploy).toBe('https://vpcsourcedeploy.apigw.ntruss.com');
    expect(real.github.apiUrl).toBe('https://api.github.com');
    const sandbox = loadConfig('runner', { KLEPAAS_SANDBOX: 'true', KLEPAAS_SANDBOX_PORT: '4100' });
    expect(sandbox.ncp.endpoints.sourceBuild).toBe('http://127.0.0.1:4100/ncp/sourcebuild');
    expect(sandbox.github.gitUrl).toBe('http://127.0.0.1:4100/github/git');
    expect(sandbox.ncp.registry).toEqual({ url: 'http://127.0.0.1:4100', name: 'klepaas-sandbox', authHosts: [] });
  });

  it('takes the app port from its own variable, then PORT, then the default', () => {
    expect(loadConfig('history', { KLEPAAS_HISTORY_PORT: '5004', PORT: '8080' }).port).toBe(5004);
    expect(loadConfig('history', { PORT: '8080' }).port).toBe(8080);
    expect(loadConfig('history', {}).port).toBe(3004);
  });

  it('derives the registry name from the first DNS label of its host', () => {
    const config = loadConfig('history', { KLEPAAS_NCP_CONTAINER_REGISTRY_URL: 'klepaas-test.kr.ncr.ntruss.com' });
    expect(config.ncp.registry.name).toBe('klepaas-test');
  });

  it('refuses a JWT secret under 32 bytes outside sandbox mode, and allows the development one inside it', () => {
    expect(() => loadConfig('gateway', { ...base, KLEPAAS_JWT_SECRET: 'short-but-not-tiny' })).toThrow(
      /KLEPAAS_JWT_SECRET: must be at least 32 bytes outside sandbox mode \(it has 18\)/,
    );
    expect(() => loadConfig('history', { KLEPAAS_JWT_SECRET: 'short-but-not-tiny' })).toThrow(/at least 32 bytes/);
    const sandbox = loadConfig('gateway', { KLEPAAS_SANDBOX: 'true', KLEPAAS_JWT_SECRET: 'short-but-not-tiny' });
    expect(sandbox.jwtSecret).toBe('short-but-not-tiny');
  });

  it('checks tokens for iss and aud klepaas unless told otherwise', () => {
    expect(loadConfig('gateway', base)).toMatchObject({ jwtIssuer: 'klepaas', jwtAudience: 'klepaas' });
    const custom = loadConfig('gateway', { ...base, KLEPAAS_JWT_ISSUER: 'login', KLEPAAS_JWT_AUDIENCE: 'cicd' });
    expect(custom).toMatchObject({ jwtIssuer: 'login', jwtAudience: 'cicd' });
  });

  it('reads the webhook secret key as 64 hex digits or base64 of 32 bytes, refusing anything else', () => {
    const hex = loadConfig('gateway', base).webhookSecretKey!;
    expect(hex.toString('hex')).toBe(base.KLEPAAS_WEBHOOK_SECRET_KEY);
    const b64 = loadConfig('gateway', { ...base, KLEPAAS_WEBHOOK_SECRET_KEY: hex.toString('base64') });
    expect(b64.webhookSecretKey!.equals(hex)).toBe(true);
    expect(() => loadConfig('gateway', { ...base, KLEPAAS_WEBHOOK_SECRET_KEY: 'too-short' })).toThrow(
      /KLEPAAS_WEBHOOK_SECRET_KEY: must be 32 bytes/,
    );
    expect(loadConfig('gateway', { KLEPAAS_SANDBOX: 'true', KLEPAAS_JWT_SECRET: 'x' }).webhookSecretKey).toHaveLength(
      32,
    );
  });

  it('ignores the shared legacy webhook secret, saying why', () => {
    const config = loadConfig('gateway', { ...base, KLEPAAS_GITHUB_WEBHOOK_SECRET: 'old-shared-secret' });
    expect(config.warnings.join()).toMatch(/KLEPAAS_GITHUB_WEBHOOK_SECRET is ignored/);
    expect(config.secretValues).toContain('old-shared-secret');
  });

  it('listens on loopback in sandbox mode and on every interface otherwise, unless KLEPAAS_BIND_HOST says', () => {
    expect(loadConfig('history', { KLEPAAS_SANDBOX: 'true' }).bindHost).toBe('127.0.0.1');
    expect(loadConfig('history', {}).bindHost).toBe('0.0.0.0');
    expect(loadConfig('history', { KLEPAAS_SANDBOX: 'true', KLEPAAS_BIND_HOST: '0.0.0.0' }).bindHost).toBe('0.0.0.0');
    expect(loadConfig('history', { KLEPAAS_BIND_HOST: '10.0.0.5' }).bindHost).toBe('10.0.0.5');
    expect(() => loadConfig('history', { KLEPAAS_BIND_HOST: 'a b' })).toThrow(/KLEPAAS_BIND_HOST/);
  });

  it('lists secret values for log scrubbing', () => {
    const config = loadConfig('gateway', { ...base, KLEPAAS_NCP_SECRET_KEY: 'ncp-secret-123' });
    expect(config.secretValues).toEqual(
      expect.arrayContaining([base.KLEPAAS_JWT_SECRET, base.KLEPAAS_WEBHOOK_SECRET_KEY, 'ncp-secret-123']),
    );
  });

  it('takes one broker URL or a comma-separated list of them, and scrubs each password', () => {
    expect(loadConfig('history', {}).rabbitmqUrls).toEqual(['amqp://guest:guest@127.0.0.1:5672']);
    const cluster = loadConfig('history', {
      KLEPAAS_RABBITMQ_URL: 'amqp://app:first-secret@mq-0:5672/k, amqp://app:second-secret@mq-1:5672/k/',
    });
    expect(cluster.rabbitmqUrls).toEqual([
      'amqp://app:first-secret@mq-0:5672/k',
      'amqp://app:second-secret@mq-1:5672/k',
    ]);
    expect(cluster.rabbitmqUrl).toBe(cluster.rabbitmqUrls.join(','));
    expect(cluster.secretValues).toEqual(expect.arrayContaining(['first-secret', 'second-secret']));
    expect(() => loadConfig('history', { KLEPAAS_RABBITMQ_URL: 'amqp://mq-0,http://mq-1' })).toThrow(
      /KLEPAAS_RABBITMQ_URL: must be a amqp: or amqps: URL, or a comma-separated list/,
    );
    expect(() => loadConfig('history', { KLEPAAS_RABBITMQ_URL: 'amqp://mq-0,,amqp://mq-1' })).toThrow(
      /KLEPAAS_RABBITMQ_URL/,
    );
  });

  it('declares quorum queues unless a development broker asks for classic ones', () => {
    expect(loadConfig('history', {}).rabbitmqQueueType).toBe('quorum');
    expect(loadConfig('history', { KLEPAAS_RABBITMQ_QUEUE_TYPE: 'classic' }).rabbitmqQueueType).toBe('classic');
    expect(() => loadConfig('history', { KLEPAAS_RABBITMQ_QUEUE_TYPE: 'mirrored' })).toThrow(
      /KLEPAAS_RABBITMQ_QUEUE_TYPE/,
    );
  });

  describe('the admin login of the original dashboard', () => {
    const hash = 'scrypt:16384:8:1:LAGVIXj5UvPqgpd2xOX-aQ:bBMSgudWbArOHSU47DI_prP5QM4hYFvB1lBf_f0x8hU';

    it('is off unless a username is set, and then needs a well-formed scrypt hash outside sandbox mode', () => {
      expect(loadConfig('gateway', base).adminLogin).toBeUndefined();
      expect(() => loadConfig('gateway', { ...base, KLEPAAS_ADMIN_LOGIN_USERNAME: 'ops' })).toThrow(
        /KLEPAAS_ADMIN_LOGIN_PASSWORD_HASH: required/,
      );
      expect(() =>
        loadConfig('gateway', {
          ...base,
          KLEPAAS_ADMIN_LOGIN_USERNAME: 'ops',
          KLEPAAS_ADMIN_LOGIN_PASSWORD_HASH: 'hunter2',
        }),
      ).toThrow(/KLEPAAS_ADMIN_LOGIN_PASSWORD_HASH: must be scrypt/);
      expect(() => loadConfig('gateway', { ...base, KLEPAAS_ADMIN_LOGIN_PASSWORD_HASH: hash })).toThrow(
        /set KLEPAAS_ADMIN_LOGIN_USERNAME too/,
      );
      const config = loadConfig('gateway', {
        ...base,
        KLEPAAS_ADMIN_LOGIN_USERNAME: 'ops',
        KLEPAAS_ADMIN_LOGIN_PASSWORD_HASH: hash,
      });
      expect(config.adminLogin).toMatchObject({ username: 'ops', sandboxPassword: false, passwordHash: { N: 16384 } });
      expect(config.secretValues).toContain(hash);
    });

    it("has the sandbox's development password only in sandbox mode, and says so", () => {
      expect(verifyPasswordSync(SANDBOX_ADMIN_PASSWORD, parse(SANDBOX_ADMIN_PASSWORD_HASH))).toBe(true);
      const sandbox = loadConfig('gateway', {
        KLEPAAS_SANDBOX: 'true',
        KLEPAAS_JWT_SECRET: 'x',
        KLEPAAS_ADMIN_LOGIN_USERNAME: 'admin',
      });
      expect(sandbox.adminLogin).toMatchObject({ username: 'admin', sandboxPassword: true });
      expect(sandbox.warnings.join()).toMatch(/development password/);
      expect(() =>
        loadConfig('gateway', {
          ...base,
          KLEPAAS_ADMIN_LOGIN_USERNAME: 'admin',
          KLEPAAS_ADMIN_LOGIN_PASSWORD_HASH: SANDBOX_ADMIN_PASSWORD_HASH,
        }),
      ).toThrow(/sandbox's development password/);
    });

    it('names a GitHub account in its tokens only when both of its variables are set and valid', () => {
      const login = { ...base, KLEPAAS_ADMIN_LOGIN_USERNAME: 'ops', KLEPAAS_ADMIN_LOGIN_PASSWORD_HASH: hash };
      expect(() => loadConfig('gateway', { ...login, KLEPAAS_ADMIN_LOGIN_GITHUB_LOGIN: 'octocat' })).toThrow(
        /set both or neither/,
      );
      expect(() =>
        loadConfig('gateway', {
          ...login,
          KLEPAAS_ADMIN_LOGIN_GITHUB_LOGIN: '-bad-',
          KLEPAAS_ADMIN_LOGIN_GITHUB_USER_ID: '1',
        }),
      ).toThrow(/must be a GitHub login/);
      const config = loadConfig('gateway', {
        ...login,
        KLEPAAS_ADMIN_LOGIN_GITHUB_LOGIN: 'octocat',
        KLEPAAS_ADMIN_LOGIN_GITHUB_USER_ID: '583231',
      });
      expect(config.adminLogin!.github).toEqual({ id: 583231, login: 'octocat' });
    });
  });

  it('takes CORS origins only as a browser sends them', () => {
    const origins = 'http://localhost:3000, https://dashboard.example.com';
    expect(loadConfig('gateway', { ...base, KLEPAAS_CORS_ORIGINS: origins }).corsOrigins).toEqual([
      'http://localhost:3000',
      'https://dashboard.example.com',
    ]);
    for (const bad of ['http://localhost:3000/', 'https://x.example.com/app', 'localhost:3000', '*'])
      expect(() => loadConfig('gateway', { ...base, KLEPAAS_CORS_ORIGINS: bad })).toThrow(/is not an origin/);
  });
});
