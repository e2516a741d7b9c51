// A closed-loop HTTP load generator: `connections` clients, each sending its next request
// when the previous one is answered, for `durationMs`. Reports answers per second by status
// and latency percentiles.
const { Pool } = require('undici');

async function runLoad({ url, path, connections, durationMs, warmupMs = 1000, request }) {
  const pool = new Pool(url, { connections, pipelining: 1, keepAliveTimeout: 30_000 });
  const latencies = [];
  const statuses = new Map();
  let recording = false;
  let stop = false;
  let seq = 0;
  const client = async () => {
    while (!stop) {
      const { headers, body } = request(seq++);
      const started = process.hrtime.bigint();
      const res = await pool.request({ method: 'POST', path, headers, body });
      await res.body.dump();
      if (recording) {
        latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
      }
    }
  };
  const clients = Array.from({ length: connections }, client);
  await new Promise((r) => setTimeout(r, warmupMs));
  recording = true;
  const started = Date.now();
  await new Promise((r) => setTimeout(r, durationMs));
  recording = false;
  const elapsed = (Date.now() - started) / 1000;
  stop = true;
  await Promise.all(clients);
  await pool.close();
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
  return {
    requests: latencies.length,
    perSecond: latencies.length / elapsed,
    statuses: Object.fromEntries(statuses),
    p50: pct(50),
    p99: pct(99),
    max: latencies[latencies.length - 1] ?? NaN,
  };
}

module.exports = { runLoad };
