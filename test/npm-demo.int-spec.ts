import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createIsolatedInfra, IsolatedInfra } from '@klepaas/testing';
import { cleanEnv, freePort, RunningNpmStart, startNpmStart } from './support/npm-start';

const DEMO = join(__dirname, '../scripts/demo.js');

/** `npm run demo` as the README says: against `npm start` (sandbox mode, every app its own process). */
describe('npm run demo', () => {
  let infra: IsolatedInfra;
  let system: RunningNpmStart;
  const baseEnv = cleanEnv();

  /** The demo with only the ports npm start was given (its secrets are npm start's defaults). */
  const demo = (env: NodeJS.ProcessEnv) =>
    promisify(execFile)(process.execPath, [DEMO], { env, timeout: 400_000 }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({ ...error }),
    );

  beforeAll(async () => {
    infra = await createIsolatedInfra();
    system = await startNpmStart(infra);
  }, 180_000);

  afterAll(async () => {
    await system?.stop();
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
      KLEPAAS_GATEWAY_PORT: String(system.ports.GATEWAY),
      KLEPAAS_SANDBOX_PORT: String(system.ports.SANDBOX),
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
    // The newest run's last status may still be on its way; the pushes' runs ended long before.
    const feedback = out.slice(out.indexOf("8. Deployment statuses the sandbox's GitHub received"));
    expect(feedback).toMatch(/received\n\s+deployment \d+ \(production, [0-9a-f]{7}\): queued/);
    expect(feedback).toMatch(/deployment \d+ \(production, [0-9a-f]{7}\): queued → in_progress → success\n/);
    expect(out).toContain('Demo complete.');
  });
});
