// Child processes for benchmarks: start, wait until an HTTP path answers, sample peak RSS, stop.
const { spawn, execFileSync } = require('node:child_process');
const net = require('node:net');

function freePort() {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function start(script, args, env) {
  const child = spawn(process.execPath, [script, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  child.peakRssKb = 0;
  child.sampler = setInterval(() => {
    try {
      const status = execFileSync('cat', [`/proc/${child.pid}/status`]).toString();
      const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      child.peakRssKb = Math.max(child.peakRssKb, rss);
    } catch {
      /* exited */
    }
  }, 200);
  return child;
}

async function waitForHttp(url, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
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
    const fields = require('node:fs').readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // clock ticks, 100 per second on Linux
  } catch {
    return NaN;
  }
}

async function stop(child) {
  clearInterval(child.sampler);
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
}

module.exports = { freePort, start, waitForHttp, stop, cpuSeconds };
