// Shared by `npm start` and `npm test`: is the infrastructure up, is dist/ current.
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const ROOT = path.join(__dirname, '..');
const APPS = ['gateway', 'provisioner', 'mirror', 'runner', 'history', 'sandbox'];

function answers(host, port, timeoutMs = 2000) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: timeoutMs });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(false));
  });
}

function hostPort(url, defaultPort) {
  const u = new URL(url);
  return { host: u.hostname || '127.0.0.1', port: Number(u.port) || defaultPort };
}

/** Stops at once, saying how to start them, when PostgreSQL or RabbitMQ does not answer. */
async function requireInfrastructure(databaseUrl, rabbitmqUrl) {
  const pg = hostPort(databaseUrl, 5432);
  const mq = hostPort(rabbitmqUrl, 5672);
  const missing = [];
  if (!(await answers(pg.host, pg.port))) {
    missing.push(
      `PostgreSQL does not answer at ${pg.host}:${pg.port}.\n` +
        `  Start it: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\n` +
        `  or, with Docker: docker compose up -d postgres`,
    );
  }
  if (!(await answers(mq.host, mq.port))) {
    missing.push(
      `RabbitMQ does not answer at ${mq.host}:${mq.port}.\n` +
        `  Start it: rabbitmq-server -detached\n` +
        `  or, with Docker: docker compose up -d rabbitmq`,
    );
  }
  if (missing.length) {
    console.error(missing.join('\n\n'));
    process.exit(1);
  }
}

function newestMtime(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'test') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full));
    else if (entry.name.endsWith('.ts') && !/\.(int-)?spec\.ts$/.test(entry.name)) {
      newest = Math.max(newest, fs.statSync(full).mtimeMs);
    }
  }
  return newest;
}

/**
 * Builds every app when dist/ is missing or older than the sources. A stamp marks a complete
 * build: webpack leaves an unchanged bundle's file (and its time) alone, and an interrupted
 * build leaves some bundles old.
 */
function buildIfStale() {
  const stamp = path.join(ROOT, 'dist/.build-complete');
  const outputs = APPS.map((app) => path.join(ROOT, 'dist/apps', app, 'main.js'));
  const built = fs.existsSync(stamp) && outputs.every((f) => fs.existsSync(f)) ? fs.statSync(stamp).mtimeMs : 0;
  const newestSource = Math.max(newestMtime(path.join(ROOT, 'apps')), newestMtime(path.join(ROOT, 'libs')));
  if (built >= newestSource) return;
  console.log('Building (dist/ is missing or older than the sources)...');
  const result = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

module.exports = { ROOT, APPS, requireInfrastructure, buildIfStale };
