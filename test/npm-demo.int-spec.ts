import { ChildProcess, execFile, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { request } from 'undici';
import { createIsolatedInfra, IsolatedInfra, pollUntil } from '@klepaas/testing';

const APPS = ['GATEWAY', 'PROVISIONER', 'MIRROR', 'RUNNER', 'HISTORY', 'SANDBOX'];
const DEMO = join(__dirname, '../scripts/demo.js');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** `npm run demo` as the README says: against `npm start` (sandbox mode, every app its own process). */
describe('npm run demo', () => {
  let infra: IsolatedInfra;
  let started: ChildProcess;
  let ports: Record<string, number>;
  let output = '';
  let baseEnv: NodeJS.ProcessEnv;

  /** The demo with only the ports npm start was given (its secrets are npm start's defaults). */
  const demo = (env: NodeJS.ProcessEnv) =>
    promisify(execFile)(process.execPath, [DEMO], { env, timeout: 400_000 }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({ ...error }),
    );

  beforeAll(async () => {
    infra = await createIsolatedInfra();
    ports = {};
    for (const app of APPS) ports[app] = await freePort();
    baseEnv = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !name.startsWith('KLEPAAS_') && name !== 'PORT'),
    );
    const env: NodeJS.ProcessEnv = { ...baseEnv };
    for (const app of APPS) env[`KLEPAAS_${app}_PORT`] = String(ports[app]);
    Object.assign(env, {
      KLEPAAS_DATABASE_URL: infra.databaseUrl,
      KLEPAAS_RABBITMQ_URL: infra.rabbitmqUrl,
      KLEPAAS_LOG_LEVEL: 'warn',
      KLEPAAS_SANDBOX_BUILD_MS: '300',
      KLEPAAS_SANDBOX_DEPLOY_MS: '300',
    });
    // Its own process group, so every app it starts is stopped with it whatever happens.
    started = spawn(process.execPath, [join(__dirname, '../scripts/start.js')], {
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-65_536);
    };
    started.stdout!.on('data', keep);
    started.stderr!.on('data', keep);
    const ready = await pollUntil(
      async () => {
        if (started.exitCode !== null) return 'exited';
        const res = await request(`http://127.0.0.1:${ports.GATEWAY}/health/ready`).catch(() => null);
        await res?.body.text();
        return res?.statusCode === 200 ? 'ready' : 'starting';
      },
      (state) => state !== 'starting',
      { timeoutMs: 150_000, intervalMs: 250, description: 'npm start to be ready' },
    );
    if (ready === 'exited') throw new Error(`npm start exited with ${started.exitCode}:\n${output}`);
  }, 180_000);

  afterAll(async () => {
    if (started?.pid && started.exitCode === null) {
      process.kill(-started.pid, 'SIGTERM');
      await pollUntil(
        () => started.exitCode,
        (code) => code !== null,
        { timeoutMs: 30_000, description: 'npm start to stop' },
      ).catch(() => process.kill(-started.pid!, 'SIGKILL'));
    }
    await infra?.dispose();
  }, 60_000);

  it('says clearly that the system is not running, and exits non-zero', async () => {
    const nobody = await freePort();
    const result = await demo({
      ...baseEnv,
      KLEPAAS_GATEWAY_PORT: String(nobody),
      KLEPAAS_SANDBOX_PORT: String(nobody),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`the gateway is not answering at http://127.0.0.1:${nobody}/health/ready`);
    expect(result.stderr).toContain('npm start');
  });

  it('creates a repository, registers it, deploys two pushes step by step, scales, rolls back and shows the cluster', async () => {
    const result = await demo({
      ...baseEnv,
      KLEPAAS_GATEWAY_PORT: String(ports.GATEWAY),
      KLEPAAS_SANDBOX_PORT: String(ports.SANDBOX),
    });
    if (result.code !== 0) throw new Error(`demo exited ${result.code}:\n${result.stdout}\n${result.stderr}`);
    const out = result.stdout;
    if (process.env.KLEPAAS_TEST_LOG_LEVEL) process.stdout.write(out);
    expect(out).toMatch(/1\. A repository in the sandbox's GitHub: demo\/hello-[0-9a-f]{6}/);
    expect(out).toMatch(/project [0-9a-f-]{36} ready in namespace \S+/);
    expect(out).toMatch(/3\. Push 1: [0-9a-f]{7} "v1: say hello once", signed webhook sent/);
    expect(out).toMatch(/4\. Push 2: [0-9a-f]{7} "v2: say hello again", signed webhook sent/);
    for (const step of ['mirror', 'build', 'deploy'])
      expect(out).toMatch(new RegExp(`step ${step}\\s+succeeded in \\d+\\.\\d s`));
    expect(out.match(/run [0-9a-f-]{36} succeeded: \S+/g)).toHaveLength(2);
    expect(out).toContain('5. Scale to 3 replicas');
    // The rollback deploys the first push's image again, and the cluster runs it.
    const first = /3\. Push 1: ([0-9a-f]{7})/.exec(out)![1];
    expect(out).toMatch(
      new RegExp(`6\\. Roll back to the first push's deployment \\(${first}\\)\n[\\s\\S]*rolled back: \\S+:${first}`),
    );
    expect(out).toMatch(
      new RegExp(`7\\. What the sandbox's cluster runs\n\\s+\\S+/hello-[0-9a-f]{6}: 3 replicas of \\S+:${first}\n`),
    );
    expect(out).toMatch(/8\. Deployment statuses the sandbox's GitHub received\n\s+(none|deployment )/);
    expect(out).toContain('Demo complete.');
  });
});
