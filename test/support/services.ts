import { createService, RunningService, ServiceDefinition } from '@klepaas/bootstrap';
import { loadConfig, KlepaasConfig } from '@klepaas/config';
import { createLogger } from '@klepaas/observability';
import type { IsolatedInfra } from '@klepaas/testing';

/** Secrets every test service uses (never real ones). */
export const TEST_SECRETS = {
  jwt: 'test-jwt-secret-0123456789-abcdefghijkl',
  appWebhook: 'test-app-webhook-secret-xyz',
};

export interface StartedService extends RunningService {
  config: KlepaasConfig;
}

/**
 * Starts one real app in this process against the test file's own database and vhost, on a
 * free port. `env` overrides (e.g. a broker URL through a TcpProxy).
 */
export async function startService(
  definition: ServiceDefinition,
  infra: IsolatedInfra,
  env: Record<string, string> = {},
): Promise<StartedService> {
  const config = loadConfig(definition.name, testEnv(definition.name, infra, env));
  const logger = createLogger({
    app: definition.name,
    level: process.env.KLEPAAS_TEST_LOG_LEVEL ?? 'silent',
    secretValues: config.secretValues,
  });
  const service = await createService(definition, config, logger);
  return { ...service, config };
}

export function testEnv(app: string, infra: IsolatedInfra, env: Record<string, string> = {}): Record<string, string> {
  return {
    KLEPAAS_DATABASE_URL: infra.databaseUrl,
    KLEPAAS_RABBITMQ_URL: infra.rabbitmqUrl,
    KLEPAAS_JWT_SECRET: TEST_SECRETS.jwt,
    KLEPAAS_GITHUB_APP_WEBHOOK_SECRET: TEST_SECRETS.appWebhook,
    KLEPAAS_RETRY_DELAYS_MS: '100,200,400',
    KLEPAAS_SANDBOX: 'true',
    [`KLEPAAS_${app.toUpperCase()}_PORT`]: '0',
    ...env,
  };
}

/** Replaces host:port of a URL (to route a service through a TcpProxy). */
export function viaProxy(url: string, port: number): string {
  const parsed = new URL(url);
  parsed.hostname = '127.0.0.1';
  parsed.port = String(port);
  return parsed.toString().replace(/\/$/, parsed.pathname === '/' ? '' : '/');
}
