// Small helpers to summarise and print figures.

/** The p-th percentile (nearest rank) of numbers; NaN for none. */
function percentile(values, p) {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (!sorted.length) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

function mean(values) {
  const ok = values.filter((v) => Number.isFinite(v));
  return ok.length ? ok.reduce((a, b) => a + b, 0) / ok.length : NaN;
}

/** Milliseconds, printed as ms below 10 s and as seconds above. */
function ms(value) {
  if (!Number.isFinite(value)) return '-';
  if (Math.abs(value) >= 10_000) return `${(value / 1000).toFixed(1)} s`;
  return `${value.toFixed(0)} ms`;
}

/** A plain text table: the first row is the header; columns after the first are right-aligned. */
function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i] ?? '').length)));
  const line = (r) =>
    r
      .map((cell, i) => (i === 0 ? String(cell ?? '').padEnd(widths[i]) : String(cell ?? '').padStart(widths[i])))
      .join('   ');
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('   '), ...rows.slice(1).map(line)].join('\n');
}

/** `--name value` pairs of the command line, as an object. */
function parseArgs(argv = process.argv.slice(2)) {
  const args = {};
  for (let i = 0; i < argv.length; i++) {
    if (!argv[i].startsWith('--')) continue;
    const next = argv[i + 1];
    args[argv[i].slice(2)] = next === undefined || next.startsWith('--') ? 'true' : next;
  }
  return args;
}

/** The machine's 1, 5 and 15 minute load averages, for the header of a run (the machines are shared). */
const loadAverage = () =>
  require('node:os')
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

const sleep = (msToWait) => new Promise((r) => setTimeout(r, msToWait));

/** Calls `fn` until `done(result)`, every `everyMs`, failing after `timeoutMs` with `what`. */
async function until(fn, done, { timeoutMs = 60_000, everyMs = 200, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await fn();
    if (done(result)) return result;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

module.exports = { percentile, mean, ms, table, parseArgs, sleep, until, loadAverage };
