import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { request } from 'undici';
import { IsolatedInfra, pollUntil } from '@klepaas/testing';

const APPS = ['GATEWAY', 'PROVISIONER', 'MIRROR', 'RUNNER', 'HISTORY', 'SANDBOX'] as const;
export type AppName = (typeof APPS)[number];

/** A port nobody listens on right now (the system under test takes it a moment later). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The test process's environment without any KLEPAAS_ setting, as a developer's shell has. */
export function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('KLEPAAS_') && name !== 'PORT'),
  );
}

export interface RunningNpmStart {
  ports: Record<AppName, number>;
  /** What it printed so far (the last 64 KiB). */
  output(): string;
  stop(): Promise<void>;
}

/**
 * `npm start` as a developer runs it (sandbox mode, every app its own process), on free ports and
 * the test's database and vhost, in a process group of its own so that stopping it stops every
 * app whatever happens. Resolves once the gateway is ready; `env` adds settings.
 */
export async function startNpmStart(infra: IsolatedInfra, env: NodeJS.ProcessEnv = {}): Promise<RunningNpmStart> {
  const ports = {} as Record<AppName, number>;
  for (const app of APPS) ports[app] = await freePort();
  const childEnv: NodeJS.ProcessEnv = { ...cleanEnv() };
  for (const app of APPS) childEnv[`KLEPAAS_${app}_PORT`] = String(ports[app]);
  Object.assign(childEnv, {
    KLEPAAS_DATABASE_URL: infra.databaseUrl,
    KLEPAAS_RABBITMQ_URL: infra.rabbitmqUrl,
    KLEPAAS_LOG_LEVEL: 'warn',
    KLEPAAS_SANDBOX_BUILD_MS: '300',
    KLEPAAS_SANDBOX_DEPLOY_MS: '300',
    ...env,
  });
  let output = '';
  const started: ChildProcess = spawn(process.execPath, [join(__dirname, '../../scripts/start.js')], {
    env: childEnv,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-65_536);
    if (process.env.KLEPAAS_TEST_LOG_LEVEL) process.stdout.write(chunk);
  };
  started.stdout!.on('data', keep);
  started.stderr!.on('data', keep);
  const stop = async () => {
    if (!started.pid || started.exitCode !== null) return;
    process.kill(-started.pid, 'SIGTERM');
    await pollUntil(
      () => started.exitCode,
      (code) => code !== null,
      { timeoutMs: 30_000, description: 'npm start to stop' },
    ).catch(() => process.kill(-started.pid!, 'SIGKILL'));
  };
  const ready = await pollUntil(
    async () => {
      if (started.exitCode !== null) return 'exited';
      const res = await request(`http://127.0.0.1:${ports.GATEWAY}/health/ready`).catch(() => null);
      await res?.body.text();
      return res?.statusCode === 200 ? 'ready' : 'starting';
    },
    (state) => state !== 'starting',
    { timeoutMs: 150_000, intervalMs: 250, description: 'npm start to be ready' },
  ).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  if (ready === 'exited') throw new Error(`npm start exited with ${started.exitCode}:\n${output}`);
  return { ports, output: () => output, stop };
}
