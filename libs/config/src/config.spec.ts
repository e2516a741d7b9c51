import { ConfigError, loadConfig } from './config';

const base = { KLEPAAS_JWT_SECRET: 'a-long-jwt-secret' };

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
    expect(() => loadConfig('runner', {})).toThrow(
      /KLEPAAS_NCP_ACCESS_KEY: required[\s\S]*KLEPAAS_NCP_SECRET_KEY: required/,
    );
    expect(() => loadConfig('runner', { KLEPAAS_SANDBOX: 'true' })).not.toThrow();
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
    const real = loadConfig('runner', { KLEPAAS_NCP_ACCESS_KEY: 'ak', KLEPAAS_NCP_SECRET_KEY: 'sk' });
    expect(real.ncp.endpoints.sourceDeploy).toBe('https://vpcsourcedeploy.apigw.ntruss.com');
    expect(real.github.apiUrl).toBe('https://api.github.com');
    const sandbox = loadConfig('runner', { KLEPAAS_SANDBOX: 'true', KLEPAAS_SANDBOX_PORT: '4100' });
    expect(sandbox.ncp.endpoints.sourceBuild).toBe('http://127.0.0.1:4100/ncp/sourcebuild');
    expect(sandbox.github.gitUrl).toBe('http://127.0.0.1:4100/github/git');
    expect(sandbox.ncp.registry).toEqual({ url: 'http://127.0.0.1:4100', name: 'klepaas-sandbox' });
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

  it('lists secret values for log scrubbing', () => {
    const config = loadConfig('gateway', { ...base, KLEPAAS_NCP_SECRET_KEY: 'ncp-secret-123' });
    expect(config.secretValues).toEqual(expect.arrayContaining(['a-long-jwt-secret', 'ncp-secret-123']));
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
});
