import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { AppName, envSchema, loadConfig } from '@klepaas/config';
import { sandboxOptionsFromEnv } from '../apps/sandbox/src/config/sandbox-options';

/**
 * docker-compose.yml, checked without a container engine (none runs on these machines): every
 * KLEPAAS_* variable a service gets is one its configuration knows, with a value it accepts.
 */
const ROOT = path.join(__dirname, '..');
const SERVICES: AppName[] = ['gateway', 'provisioner', 'mirror', 'runner', 'history'];

interface ComposeService {
  environment?: Record<string, string>;
  command?: string[];
  depends_on?: Record<string, { condition: string }>;
  ports?: string[];
  volumes?: string[];
  profiles?: string[];
}

const compose = parse(readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
};

/** The variables the sandbox reads itself (apps/sandbox/src/config/sandbox-options.ts). */
const sandboxVariables = new Set(
  [
    ...readFileSync(path.join(ROOT, 'apps/sandbox/src/config/sandbox-options.ts'), 'utf8').matchAll(
      /(?:text|int)\('(KLEPAAS_[A-Z_]+)'\)/g,
    ),
  ].map((m) => m[1]),
);

/** The environment a container starts with: the file's, plus the App key its command reads from the volume. */
function environment(name: string): Record<string, string> {
  const service = compose.services[name];
  const env = { ...(service.environment ?? {}) };
  if (service.command?.join(' ').includes('KLEPAAS_GITHUB_APP_PRIVATE_KEY="$$(cat /keys/app.pem)"'))
    env.KLEPAAS_GITHUB_APP_PRIVATE_KEY = appKey;
  return env;
}
const appKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
  type: 'pkcs1',
  format: 'pem',
}) as string;

describe('docker-compose.yml', () => {
  const known = new Set(Object.keys(envSchema.shape));

  it.each(SERVICES)('gives %s only known KLEPAAS_* variables, with values its configuration accepts', (name) => {
    const env = environment(name);
    expect(Object.keys(env).filter((k) => k.startsWith('KLEPAAS_') && !known.has(k))).toEqual([]);
    const config = loadConfig(name, env);
    expect(config.sandbox).toBe(true);
    // Reachable by the other containers, and reaching the sandbox by its service name.
    expect(config.bindHost).toBe('0.0.0.0');
    expect(config.sandboxUrl).toBe('http://sandbox:4000');
    expect(config.databaseUrl).toMatch(/@postgres:5432\//);
    expect(config.rabbitmqUrls).toEqual(['amqp://guest:guest@rabbitmq:5672']);
    // The sandbox's App, with the key the sandbox also reads.
    expect(config.github.appId).toBe('424242');
    expect(config.github.appPrivateKey).toBe(appKey);
    expect(config.port).toBe(Number(env.PORT));
    expect(compose.services[name].depends_on).toMatchObject({
      postgres: { condition: 'service_healthy' },
      rabbitmq: { condition: 'service_healthy' },
      'app-key': { condition: 'service_completed_successfully' },
    });
  });

  it('runs the sandbox on every interface, under a URL the containers and the host share, with the same App', () => {
    const env = environment('sandbox');
    const unknown = Object.keys(env).filter(
      (k) => k.startsWith('KLEPAAS_') && !known.has(k) && !sandboxVariables.has(k),
    );
    expect(unknown).toEqual([]);
    const options = sandboxOptionsFromEnv(env);
    expect(options).toMatchObject({
      host: '0.0.0.0',
      port: 4000,
      publicUrl: 'http://sandbox:4000',
      githubAppId: '424242',
      githubAppPrivateKey: appKey,
    });
    expect(compose.services.sandbox.ports).toEqual(['127.0.0.1:4000:4000']);
    expect(compose.services.gateway.ports).toEqual(['127.0.0.1:3000:3000']);
    expect(() => loadConfig('sandbox', env)).not.toThrow();
  });

  it('makes the App key once into the volume every app reads, and offers a token', () => {
    expect(compose.services['app-key'].volumes).toEqual(['app-key:/keys']);
    for (const name of ['sandbox', ...SERVICES]) expect(compose.services[name].volumes).toEqual(['app-key:/keys:ro']);
    const token = compose.services.token;
    expect(token.profiles).toEqual(['tools']);
    expect(token.command?.join(' ')).toContain("roles:['admin']");
    expect(loadConfig('gateway', environment('token')).jwtSecret).toBe(token.environment?.KLEPAAS_JWT_SECRET);
  });
});
