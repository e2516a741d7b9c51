import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createIsolatedInfra, IsolatedInfra, pollUntil } from '@klepaas/testing';
import { getJson } from '../../../test/support/http';
import { RawUpload } from '../../../test/support/raw-http';
import { testEnv } from '../../../test/support/services';
import { sendWebhook } from '../../../test/support/webhooks';

const MAIN = join(__dirname, '../../../dist/apps/gateway/main.js');
const MB = 1024 * 1024;
const BUDGET = 16 * MB;
const pushExample = require('@octokit/webhooks-examples').find((e: any) => e.name === 'push').examples[1];

/** The resident memory of a process, from the kernel (what the machine really spends on it). */
function rss(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'))!;
  return Number(/(\d+)/.exec(line)![1]) * 1024;
}

/**
 * Many concurrent oversized bodies, sent without credentials to the built gateway in its own
 * process: its memory stays bounded by the budget of bytes in flight instead of growing with
 * what the attackers send (without the budget, these bodies alone would need 800 MB).
 */
describe('the gateway under many concurrent oversized bodies', () => {
  let infra: IsolatedInfra;
  let child: ChildProcess | undefined;
  let url = '';

  beforeAll(async () => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run "npm run build" (npm test does it for you)`);
    infra = await createIsolatedInfra();
    child = spawn(process.execPath, [MAIN], {
      env: {
        ...process.env,
        ...testEnv('gateway', infra, { KLEPAAS_LOG_LEVEL: 'info', KLEPAAS_WEBHOOK_BYTES_IN_FLIGHT: String(BUDGET) }),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      url ||= /"url":"(http:\/\/[^"]+)"/.exec(output)?.[1] ?? '';
    });
    await pollUntil(
      () => url,
      (u) => u !== '',
      { timeoutMs: 30_000, description: 'the gateway listening' },
    );
  });

  afterAll(async () => {
    child?.kill('SIGKILL');
    await infra?.dispose();
  });

  it('keeps its resident memory bounded, refusing what does not fit, and still takes real deliveries', async () => {
    for (let i = 0; i < 20; i++) expect((await sendWebhook(url, 'push', pushExample)).status).toBe(202);
    const baseline = rss(child!.pid!);
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, rss(child!.pid!))), 20);
    const uploads: RawUpload[] = [];
    try {
      const headers = { 'x-github-event': 'push', 'x-github-delivery': 'attack', 'content-type': 'application/json' };
      const attacks = [
        // Chunked bodies under the 25 MB cap: charged to the budget as they arrive.
        ...Array.from({ length: 40 }, async () => {
          const upload = await RawUpload.start(url, '/api/v1/github/webhook', headers);
          uploads.push(upload);
          await upload.flood(20 * MB);
          upload.finish();
          await upload.untilClosed(15_000);
          return upload;
        }),
        // Declared bodies over the cap, and under it but over the budget.
        ...[30 * MB, 20 * MB].flatMap((size) =>
          Array.from({ length: 10 }, async () => {
            const upload = await RawUpload.start(url, '/api/v1/github/webhook', headers, size);
            uploads.push(upload);
            await upload.flood(size);
            await upload.untilClosed(15_000);
            return upload;
          }),
        ),
      ];
      const done = await Promise.all(attacks);
      const statuses = done.map((u) => u.status ?? u.error);
      expect(statuses.filter((s) => s === 503).length).toBeGreaterThan(0);
      expect(statuses.filter((s) => s === 413).length).toBeGreaterThan(0);
      expect(statuses.every((s) => s === 503 || s === 413 || s === 'ECONNRESET' || s === 'EPIPE')).toBe(true);
    } finally {
      clearInterval(sampler);
      for (const u of uploads) u.close();
    }
    const grew = peak - baseline;
    process.stdout.write(`gateway RSS: baseline ${(baseline / MB).toFixed(0)} MB, peak ${(peak / MB).toFixed(0)} MB\n`);
    expect(grew).toBeLessThan(BUDGET + 112 * MB);
    expect((await sendWebhook(url, 'push', pushExample)).status).toBe(202);
    expect((await getJson(`${url}/health/live`)).status).toBe(200);
  });
});
