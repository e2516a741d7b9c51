#!/usr/bin/env node
// `npm start`: every app in the foreground, each on its own port, logs prefixed; Ctrl-C stops
// them all. Unless KLEPAAS_SANDBOX=false it runs in sandbox mode: it also starts the sandbox
// (stand-ins for NCP, GitHub and Slack), points every service at it, and supplies
// development secrets, so a fresh checkout runs with no configuration.
const { spawn } = require('node:child_process');
const path = require('node:path');
const { ROOT, APPS, requireInfrastructure, buildIfStale } = require('./lib');
const { environment, bannerText } = require('./sandbox-env');

const COLORS = { gateway: 36, provisioner: 35, mirror: 33, runner: 32, history: 34, sandbox: 90 };
const LEVELS = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

function prefixLines(app, stream, out) {
  let buffered = '';
  const tag = `\x1b[${COLORS[app]}m${app.padEnd(11)}\x1b[0m|`;
  const raw = process.env.KLEPAAS_LOG_FORMAT === 'json';
  stream.on('data', (chunk) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop();
    for (const line of lines) out.write(`${tag} ${raw ? line : readable(line)}\n`);
  });
}

/** JSON log lines made readable for a terminal (KLEPAAS_LOG_FORMAT=json keeps them as they are). */
function readable(line) {
  try {
    const entry = JSON.parse(line);
    if (typeof entry.msg !== 'string') return line;
    const time = String(entry.time ?? '').slice(11, 23);
    const level = LEVELS[entry.level] ?? entry.level;
    const context = entry.context ? `[${entry.context}] ` : '';
    const correlation = entry.correlationId ? ` (${entry.correlationId})` : '';
    const error = entry.err?.message ? `: ${entry.err.message}` : '';
    return `${time} ${level.padEnd(5)} ${context}${entry.msg}${error}${correlation}`;
  } catch {
    return line;
  }
}

(async () => {
  const { env, sandbox, supplied } = environment(process.env);
  await requireInfrastructure(
    env.KLEPAAS_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/klepaas',
    env.KLEPAAS_RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
  );
  buildIfStale();
  console.log(bannerText(sandbox, env, supplied));
  const apps = sandbox ? APPS : APPS.filter((a) => a !== 'sandbox');
  const children = new Map();
  let stopping = false;
  const stopAll = (code) => {
    if (stopping) return;
    stopping = true;
    for (const child of children.values()) child.kill('SIGTERM');
    setTimeout(() => process.exit(code), 20_000).unref();
    const wait = () => (children.size === 0 ? process.exit(code) : setTimeout(wait, 100));
    wait();
  };
  // The sandbox first: the others reach it lazily, but a user may already be calling them.
  for (const app of sandbox ? ['sandbox', ...apps.filter((a) => a !== 'sandbox')] : apps) {
    const child = spawn(process.execPath, [path.join(ROOT, 'dist/apps', app, 'main.js')], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.set(app, child);
    prefixLines(app, child.stdout, process.stdout);
    prefixLines(app, child.stderr, process.stderr);
    child.on('exit', (code, signal) => {
      children.delete(app);
      if (!stopping) {
        console.error(`${app} exited (${signal ?? `code ${code}`}); stopping everything`);
        stopAll(code || 1);
      }
    });
  }
  process.on('SIGINT', () => stopAll(0));
  process.on('SIGTERM', () => stopAll(0));
})();
