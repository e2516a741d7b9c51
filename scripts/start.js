#!/usr/bin/env node
// `npm start`: every app in the foreground, each on its own port, logs prefixed; Ctrl-C stops
// them all. Unless KLEPAAS_SANDBOX=false it runs in sandbox mode: it also starts the sandbox
// (stand-ins for NCP, GitHub and Slack), points every service at it, and supplies
// development secrets, so a fresh checkout runs with no configuration.
const { spawn } = require('node:child_process');
const { generateKeyPairSync } = require('node:crypto');
const path = require('node:path');
const { ROOT, APPS, requireInfrastructure, buildIfStale } = require('./lib');

const COLORS = { gateway: 36, provisioner: 35, mirror: 33, runner: 32, history: 34, sandbox: 90 };
const LEVELS = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

/** The sandbox's fixed development credentials (README): never use them outside sandbox mode. */
const SANDBOX_DEFAULTS = {
  KLEPAAS_NCP_ACCESS_KEY: 'sandbox-access-key',
  KLEPAAS_NCP_SECRET_KEY: 'sandbox-secret-key',
  KLEPAAS_NCP_SOURCECOMMIT_USERNAME: 'sandbox-git',
  KLEPAAS_NCP_SOURCECOMMIT_PASSWORD: 'sandbox-git-password',
  KLEPAAS_JWT_SECRET: 'sandbox-development-jwt-secret',
  KLEPAAS_GITHUB_APP_WEBHOOK_SECRET: 'sandbox-app-webhook-secret',
  KLEPAAS_GITHUB_APP_ID: '424242',
};

/** The sandbox's development GitHub user (apps/sandbox SANDBOX_DEFAULTS): admin of every sandbox repository. */
const SANDBOX_DEVELOPER = { github_user_id: 100001, github_login: 'sandbox-developer' };

function environment() {
  const env = { ...process.env };
  const supplied = new Set(Object.keys(SANDBOX_DEFAULTS).filter((name) => env[name]));
  delete env.PORT; // one PORT for six apps would make them collide
  env.KLEPAAS_SANDBOX = env.KLEPAAS_SANDBOX ?? 'true';
  const sandbox = /^(true|1|yes)$/i.test(env.KLEPAAS_SANDBOX);
  if (sandbox) {
    for (const [name, value] of Object.entries(SANDBOX_DEFAULTS)) env[name] = env[name] ?? value;
    if (!env.KLEPAAS_GITHUB_APP_PRIVATE_KEY) {
      // A fresh App key per start: the sandbox verifies the App's JWTs with its public half.
      env.KLEPAAS_GITHUB_APP_PRIVATE_KEY = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
        type: 'pkcs1',
        format: 'pem',
      });
    }
  }
  return { env, sandbox, supplied };
}

/** A development secret may be shown; a value the user supplied never is (it may be a real one). */
function shown(env, supplied, name) {
  return supplied.has(name) ? `(the value of ${name} you set)` : env[name];
}

function banner(sandbox, env, supplied) {
  const line = '='.repeat(78);
  if (sandbox) {
    const jwt = require('jsonwebtoken');
    const token = jwt.sign({ sub: 'developer', roles: ['admin'], ...SANDBOX_DEVELOPER }, env.KLEPAAS_JWT_SECRET, {
      expiresIn: '12h',
      issuer: env.KLEPAAS_JWT_ISSUER || 'klepaas',
      audience: env.KLEPAAS_JWT_AUDIENCE || 'klepaas',
    });
    console.log(`\x1b[1;33m${line}
 SANDBOX MODE: NCP, GitHub and Slack are the local sandbox on port ${env.KLEPAAS_SANDBOX_PORT ?? 4000}.
 Nothing here talks to the real NCP. Set KLEPAAS_SANDBOX=false (and real credentials) for that.

 REST API      http://127.0.0.1:${env.KLEPAAS_GATEWAY_PORT ?? 3000}/api/v1   (OpenAPI: /api/docs)
 Webhooks      POST http://127.0.0.1:${env.KLEPAAS_GATEWAY_PORT ?? 3000}/api/v1/github/webhook
               App secret: ${shown(env, supplied, 'KLEPAAS_GITHUB_APP_WEBHOOK_SECRET')}
               (a repository hook uses its project's own secret, shown when it is registered)
 Bearer token  (user "developer", operator, GitHub user ${SANDBOX_DEVELOPER.github_login}; valid 12 h)
 ${token}
${line}\x1b[0m`);
  } else {
    console.log(`${line}\n Production mode: real NCP and GitHub endpoints.\n${line}`);
  }
}

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
  const { env, sandbox, supplied } = environment();
  await requireInfrastructure(
    env.KLEPAAS_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/klepaas',
    env.KLEPAAS_RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
  );
  buildIfStale();
  banner(sandbox, env, supplied);
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
