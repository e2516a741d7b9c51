import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { createIsolatedInfra, IsolatedInfra } from '@klepaas/testing';
import { preflight } from '../src/preflight/run-preflight';
import {
  RunningSandbox,
  sandboxEnv,
  sandboxKubeEnv,
  sandboxPost,
  startTestSandbox,
} from '../../../test/support/sandbox';

const ROOT = join(__dirname, '../../..');

/** `npm run preflight` as an operator runs it: its output and exit code. */
function runScript(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'scripts/preflight.js')], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** The preflight against a system like `npm start`'s, then with each system broken in turn. */
describe('preflight', () => {
  let infra: IsolatedInfra;
  let sandbox: RunningSandbox;
  let env: Record<string, string>;

  beforeAll(async () => {
    infra = await createIsolatedInfra();
    sandbox = await startTestSandbox();
    await sandboxPost(sandbox, '/_sandbox/github/installations', { account: 'acme' });
    env = {
      ...sandboxEnv(sandbox),
      KLEPAAS_DATABASE_URL: infra.databaseUrl,
      KLEPAAS_RABBITMQ_URL: infra.rabbitmqUrl,
      KLEPAAS_LOG_LEVEL: 'silent',
      KLEPAAS_JWT_SECRET: 'test-jwt-secret-0123456789-abcdefghijkl',
    };
  });

  afterAll(async () => {
    await sandbox?.close();
    await infra?.dispose();
  });

  it('finds every system green (the kubeconfig skipped when none is configured)', async () => {
    const results = await preflight(env);
    expect(results.map((r) => [r.name, r.status])).toEqual([
      ['configuration', 'ok'],
      ['database', 'ok'],
      ['broker', 'ok'],
      ['SourceCommit', 'ok'],
      ['SourceBuild', 'ok'],
      ['SourceDeploy', 'ok'],
      ['NCR registry', 'ok'],
      ['NKS cluster', 'ok'],
      ['kubeconfig', 'skip'],
      ['GitHub App', 'ok'],
    ]);
    expect(results.find((r) => r.name === 'kubeconfig')!.detail).toBe('not checked (not configured)');
    expect(results.find((r) => r.name === 'GitHub App')!.detail).toMatch(/1 installation/);
  });

  const otherKey = () =>
    generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }) as string;

  it.each([
    [
      'a wrong database URL',
      { KLEPAAS_DATABASE_URL: 'postgres://postgres@127.0.0.1:1/klepaas' },
      ['database'],
      /KLEPAAS_DATABASE_URL/,
    ],
    [
      'a wrong broker URL',
      { KLEPAAS_RABBITMQ_URL: 'amqp://guest:guest@127.0.0.1:1' },
      ['broker'],
      /KLEPAAS_RABBITMQ_URL/,
    ],
    [
      'a wrong NCP key',
      { KLEPAAS_NCP_SECRET_KEY: 'not-the-secret-key' },
      ['SourceCommit', 'SourceBuild', 'SourceDeploy', 'NCR registry', 'NKS cluster'],
      /KLEPAAS_NCP_ACCESS_KEY and KLEPAAS_NCP_SECRET_KEY/,
    ],
    [
      'a wrong registry',
      { KLEPAAS_NCP_CONTAINER_REGISTRY_NAME: 'not-our-registry' },
      ['NCR registry'],
      /KLEPAAS_NCP_CONTAINER_REGISTRY_URL/,
    ],
    [
      'an unknown cluster UUID',
      { KLEPAAS_NCP_NKS_CLUSTER_ID: '00000000-0000-4000-8000-000000000000' },
      ['NKS cluster'],
      /KLEPAAS_NCP_NKS_CLUSTER_ID/,
    ],
    [
      'a wrong GitHub App key',
      { KLEPAAS_GITHUB_APP_PRIVATE_KEY: otherKey() },
      ['GitHub App'],
      /KLEPAAS_GITHUB_APP_PRIVATE_KEY/,
    ],
  ])('names the failing system and its fix with %s', async (_, broken, failing, fix) => {
    const results = await preflight({ ...env, ...broken });
    const failed = results.filter((r) => r.status === 'fail');
    expect(failed.map((r) => r.name)).toEqual(failing);
    for (const result of failed) expect(result.fix).toMatch(fix);
    // A secret never appears in the report.
    const text = JSON.stringify(results);
    expect(text).not.toContain('not-the-secret-key');
    expect(text).not.toContain('PRIVATE KEY');
  });

  it('checks the kubeconfig with dry runs when one is configured, and names a refused token', async () => {
    const kube = sandboxKubeEnv(sandbox);
    const green = await preflight({ ...env, ...kube });
    expect(green.find((r) => r.name === 'kubeconfig')).toMatchObject({
      status: 'ok',
      detail: expect.stringContaining('may create namespaces and bind klepaas-project for klepaas-system:klepaas'),
    });
    const wrong = { KLEPAAS_KUBECONFIG: kube.KLEPAAS_KUBECONFIG.replace('sandbox-kube-token', 'not-the-kube-token') };
    const results = await preflight({ ...env, ...wrong });
    expect(results.filter((r) => r.status === 'fail')).toEqual([
      expect.objectContaining({ name: 'kubeconfig', detail: expect.stringMatching(/refused the token/) }),
    ]);
    expect(results.find((r) => r.name === 'kubeconfig')!.fix).toMatch(/KLEPAAS_KUBECONFIG/);
    expect(JSON.stringify(results)).not.toContain('not-the-kube-token');
  });

  it('says what is missing when the configuration itself is incomplete', async () => {
    const results = await preflight({ ...env, KLEPAAS_SANDBOX: 'false', KLEPAAS_PUBLIC_URL: '' });
    expect(results).toEqual([
      expect.objectContaining({
        name: 'configuration',
        status: 'fail',
        detail: expect.stringContaining('gateway: KLEPAAS_PUBLIC_URL: required'),
      }),
    ]);
    // Each service's refusal is named, not only the first.
    expect(results[0].detail).toContain('gateway: KLEPAAS_WEBHOOK_SECRET_KEY: required');
  });

  it('prints one line per system and exits 0 when all pass, 1 naming the failure when one fails', async () => {
    const green = await runScript(env);
    expect(green.output).toContain('[ ok ] database');
    expect(green.output).toMatch(/\[skip\] kubeconfig +not checked \(not configured\)/);
    expect(green.output).toMatch(/\[ ok \] database +PostgreSQL \d+/);
    expect(green.output).toContain('Every check passed.');
    expect(green.code).toBe(0);

    const broken = await runScript({ ...env, KLEPAAS_RABBITMQ_URL: 'amqp://guest:guest@127.0.0.1:1' });
    expect(broken.code).toBe(1);
    expect(broken.output).toMatch(/\[FAIL\] broker .*\n {7}fix: check KLEPAAS_RABBITMQ_URL/);
  });
});
