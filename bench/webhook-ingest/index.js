#!/usr/bin/env node
// Webhook ingest benchmark: signed GitHub push deliveries posted at the real gateway (which
// stores each delivery and its event durably before answering), and, in the same run, at a
// bare Node server that only checks the HMAC: the ceiling. Prints accepted/s and p50/p99.
//
//   npm run build && node bench/webhook-ingest [--connections 64] [--seconds 10]
const path = require('node:path');
const { createHmac, randomUUID } = require('node:crypto');
const { createBenchInfra } = require('../lib/infra');
const { runLoad } = require('../lib/load');
const { freePort, start, waitForHttp, stop, cpuSeconds } = require('../lib/processes');

const args = Object.fromEntries(
  process.argv
    .slice(2)
    .reduce((pairs, a, i, all) => (a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []),
);
const CONNECTIONS = Number(args.connections ?? 64);
const SECONDS = Number(args.seconds ?? 10);
const SECRET = 'bench-app-webhook-secret';
const ROOT = path.join(__dirname, '../..');

const push = require('@octokit/webhooks-examples').find((e) => e.name === 'push').examples[1];
const body = Buffer.from(JSON.stringify(push));
const signature = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
const request = () => ({
  headers: {
    'content-type': 'application/json',
    'x-github-event': 'push',
    'x-github-delivery': randomUUID(),
    'x-hub-signature-256': signature,
  },
  body,
});

async function measure(name, url, pathName, pid) {
  const cpuBefore = cpuSeconds(pid);
  const result = await runLoad({ url, path: pathName, connections: CONNECTIONS, durationMs: SECONDS * 1000, request });
  // Includes the 1 s warm-up, so it overstates a little; comparable between the two servers.
  result.cpuMsPerRequest = ((cpuSeconds(pid) - cpuBefore) * 1000) / (result.requests * (1 + 1 / SECONDS));
  console.log(
    `${name.padEnd(28)} ${result.perSecond.toFixed(0).padStart(7)} /s   p50 ${result.p50.toFixed(2).padStart(7)} ms   p99 ${result.p99
      .toFixed(2)
      .padStart(
        7,
      )} ms   server CPU ${result.cpuMsPerRequest.toFixed(3)} ms/req   answers ${JSON.stringify(result.statuses)}`,
  );
  return result;
}

(async () => {
  const infra = await createBenchInfra();
  const gatewayPort = await freePort();
  const barePort = await freePort();
  const gateway = start(path.join(ROOT, 'dist/apps/gateway/main.js'), [], {
    KLEPAAS_DATABASE_URL: infra.databaseUrl,
    KLEPAAS_RABBITMQ_URL: process.env.BENCH_AMQP ?? infra.rabbitmqUrl,
    KLEPAAS_GATEWAY_PORT: String(gatewayPort),
    KLEPAAS_JWT_SECRET: 'bench-jwt-secret-of-at-least-32-bytes',
    KLEPAAS_GITHUB_APP_WEBHOOK_SECRET: SECRET,
    KLEPAAS_SANDBOX: 'true',
  });
  const bare = start(path.join(__dirname, 'bare-hmac-server.js'), [String(barePort), SECRET], {});
  try {
    await waitForHttp(`http://127.0.0.1:${gatewayPort}/health/${process.env.BENCH_AMQP ? 'live' : 'ready'}`);
    await waitForHttp(`http://127.0.0.1:${barePort + 1}/`);
    console.log(
      `webhook ingest: ${CONNECTIONS} connections, ${SECONDS} s each, ${body.length}-byte signed push payloads`,
    );
    const ceiling = await measure('bare HMAC server (ceiling)', `http://127.0.0.1:${barePort}`, '/', bare.pid);
    const ingest = await measure(
      'gateway (durable, 202)',
      `http://127.0.0.1:${gatewayPort}`,
      '/api/v1/github/webhook',
      gateway.pid,
    );
    console.log(
      `gateway / ceiling: ${((ingest.perSecond / ceiling.perSecond) * 100).toFixed(0)}% of the bare server's rate`,
    );
    console.log(`gateway peak RSS: ${(gateway.peakRssKb / 1024).toFixed(0)} MB`);
  } finally {
    await stop(gateway);
    await stop(bare);
    await infra.dispose();
  }
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
