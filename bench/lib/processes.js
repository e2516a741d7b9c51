// Child processes for benchmarks: start, wait until an HTTP path answers, sample peak RSS, stop.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');

function freePort() {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Resident set size of a process now, in kB (0 when it has gone). */
function rssKb(pid) {
  try {
    // A plain read: spawning `cat` five times a second per child would load the machine being measured.
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  } catch {
    return 0; // exited
  }
}

/**
 * Starts `node script args` with `env` added to this process's environment. Its output goes to
 * `options.log` (a file, for the benchmarks that start many services) or, by default, stdout is
 * dropped and stderr shown. `peakRssKb` follows the child's RSS (sampled every 200 ms);
 * `resetPeak()` starts a new window (e.g. just before the load).
 */
function start(script, args, env, options = {}) {
  let stdio = ['ignore', 'ignore', 'inherit'];
  let logFd;
  if (options.log) {
    logFd = fs.openSync(options.log, 'a');
    stdio = ['ignore', logFd, logFd];
  }
  const childEnv = { ...process.env, ...env };
  for (const name of options.unset ?? []) delete childEnv[name];
  const child = spawn(process.execPath, [script, ...args], { env: childEnv, stdio, cwd: options.cwd });
  if (logFd !== undefined) fs.closeSync(logFd); // the child has its own copy
  child.log = options.log;
  child.peakRssKb = 0;
  const sample = () => {
    child.peakRssKb = Math.max(child.peakRssKb, rssKb(child.pid));
  };
  child.sampler = setInterval(sample, 200);
  child.resetPeak = () => {
    child.peakRssKb = 0;
    sample();
  };
  child.rssKb = () => rssKb(child.pid);
  return child;
}

async function waitForHttp(url, timeoutMs = 30_000, child) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child && child.exitCode !== null)
      throw new Error(`${url}: the process exited (${child.exitCode}) before it answered`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** CPU seconds (user + system) a process has used so far. */
function cpuSeconds(pid) {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // clock ticks, 100 per second on Linux
  } catch {
    return NaN;
  }
}

/** SIGTERM, and SIGKILL if it is still there after `graceMs`. */
async function stop(child, graceMs = 20_000) {
  clearInterval(child.sampler);
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

module.exports = { freePort, start, waitForHttp, stop, cpuSeconds, rssKb };
