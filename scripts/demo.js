#!/usr/bin/env node
// `npm run demo`: a tour of a running `npm start` (sandbox mode). It creates an application
// repository in the sandbox's GitHub, registers it, pushes two commits (each with GitHub's signed
// webhook), follows each run step by step, scales it, rolls it back, and prints what the
// sandbox's cluster runs and the Deployment statuses the sandbox's GitHub received.
// Plain Node: built-in fetch and crypto, and git (which the system needs anyway).
const { createHmac, randomBytes, randomUUID } = require('node:crypto');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const env = process.env;
const GATEWAY = env.KLEPAAS_DEMO_GATEWAY_URL ?? `http://127.0.0.1:${env.KLEPAAS_GATEWAY_PORT ?? 3000}`;
const SANDBOX = env.KLEPAAS_SANDBOX_URL ?? `http://127.0.0.1:${env.KLEPAAS_SANDBOX_PORT ?? 4000}`;
// npm start's development secrets (scripts/sandbox-env.js), unless set otherwise.
const JWT_SECRET = env.KLEPAAS_JWT_SECRET ?? 'sandbox-development-jwt-secret';
const APP_WEBHOOK_SECRET = env.KLEPAAS_GITHUB_APP_WEBHOOK_SECRET ?? 'sandbox-app-webhook-secret';
const RUN_TIMEOUT_MS = Number(env.KLEPAAS_DEMO_RUN_TIMEOUT_MS ?? 180_000);
const FINAL = ['succeeded', 'failed', 'cancelled', 'superseded'];

class DemoError extends Error {}

const b64url = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** The bearer token npm start prints: the development user, an operator, GitHub user sandbox-developer. */
function developerToken() {
  const now = Math.floor(Date.now() / 1000);
  const head = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url({
    sub: 'developer',
    roles: ['admin'],
    github_user_id: 100001,
    github_login: 'sandbox-developer',
    iat: now,
    exp: now + 3600,
    iss: env.KLEPAAS_JWT_ISSUER || 'klepaas',
    aud: env.KLEPAAS_JWT_AUDIENCE || 'klepaas',
  })}`;
  return `${head}.${createHmac('sha256', JWT_SECRET).update(head).digest('base64url')}`;
}
const TOKEN = developerToken();

async function http(method, url, body, headers = {}) {
  const res = await fetch(url, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: json, text };
}

const api = async (method, route, body) => {
  const res = await http(method, `${GATEWAY}/api/v1${route}`, body, { authorization: `Bearer ${TOKEN}` });
  if (res.status >= 400) throw new DemoError(`${method} /api/v1${route}: ${res.status} ${res.text.slice(0, 300)}`);
  return res.body;
};
const sandbox = async (method, route, body, headers) => {
  const res = await http(method, `${SANDBOX}${route}`, body, headers);
  if (res.status >= 400) throw new DemoError(`${method} ${SANDBOX}${route}: ${res.status} ${res.text.slice(0, 300)}`);
  return res.body;
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

async function until(what, fn, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new DemoError(`timed out after ${seconds(timeoutMs)} waiting for ${what}`);
    await sleep(250);
  }
}

/** Is the system up? A clear message and exit 1 when not. */
async function checkRunning() {
  for (const [name, url] of [
    ['the gateway', `${GATEWAY}/health/ready`],
    ['the sandbox', `${SANDBOX}/health/ready`],
  ]) {
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) }).catch(() => null);
    if (!res || !res.ok)
      throw new DemoError(
        `${name} is not answering at ${url}. Start the system first with "npm start" (sandbox mode) and run "npm run demo" again once it is ready.`,
      );
  }
}

/** A commit on main of the sandbox repository, pushed with real git; returns its sha. */
function pushCommit(repo, adminToken, files, message) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'klepaas-demo-'));
  const auth = Buffer.from(`x-access-token:${adminToken}`).toString('base64');
  const gitEnv = {
    ...process.env,
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Demo',
    GIT_AUTHOR_EMAIL: 'demo@sandbox.invalid',
    GIT_COMMITTER_NAME: 'Demo',
    GIT_COMMITTER_EMAIL: 'demo@sandbox.invalid',
    // The credential travels in a header of each command, never in a URL or a config file.
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: 'http.extraHeader',
    GIT_CONFIG_VALUE_0: `Authorization: Basic ${auth}`,
  };
  const git = (...args) => execFileSync('git', args, { cwd: dir, env: gitEnv, encoding: 'utf8' }).trim();
  try {
    git('init', '--quiet', '--initial-branch=main', '.');
    if (git('ls-remote', '--heads', repo.cloneUrl, 'main')) {
      git('fetch', '--quiet', repo.cloneUrl, 'main');
      git('reset', '--quiet', '--hard', 'FETCH_HEAD');
    }
    for (const [file, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), content);
    }
    git('add', '--all');
    git('commit', '--quiet', '-m', message);
    git('push', '--quiet', repo.cloneUrl, 'HEAD:refs/heads/main');
    return git('rev-parse', 'HEAD');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** GitHub's signed `push` delivery for that commit; returns the delivery id. */
async function sendPush(repo, sha, before, message, files) {
  const commit = {
    id: sha,
    tree_id: sha,
    message,
    timestamp: new Date().toISOString(),
    author: { name: 'Demo', email: 'demo@sandbox.invalid', username: 'sandbox-developer' },
    added: [],
    removed: [],
    modified: Object.keys(files),
  };
  const payload = Buffer.from(
    JSON.stringify({
      ref: 'refs/heads/main',
      before,
      after: sha,
      created: false,
      deleted: false,
      forced: false,
      commits: [commit],
      head_commit: commit,
      repository: {
        id: repo.id,
        name: repo.name,
        full_name: repo.fullName,
        owner: { login: repo.owner, name: repo.owner },
        default_branch: 'main',
        clone_url: repo.cloneUrl,
      },
      pusher: { name: 'sandbox-developer', email: 'demo@sandbox.invalid' },
      sender: { login: 'sandbox-developer', id: 100001 },
      installation: { id: repo.installationId },
    }),
  );
  const deliveryId = randomUUID();
  const res = await fetch(`${GATEWAY}/api/v1/github/webhook`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'push',
      'x-github-delivery': deliveryId,
      'x-hub-signature-256': `sha256=${createHmac('sha256', APP_WEBHOOK_SECRET).update(payload).digest('hex')}`,
      'user-agent': 'GitHub-Hookshot/klepaas-demo',
    },
    body: payload,
  });
  if (res.status >= 300) throw new DemoError(`the webhook was refused: ${res.status} ${await res.text()}`);
  return deliveryId;
}

/** Follows a run to its end, a line per step as it starts and ends (with its time). */
async function follow(runId) {
  const started = Date.now();
  const seen = new Map();
  let status;
  const deadline = Date.now() + RUN_TIMEOUT_MS;
  for (;;) {
    const run = await api('GET', `/runs/${runId}`);
    if (run.status !== status) {
      status = run.status;
      console.log(`    [${seconds(Date.now() - started).padStart(6)}] run ${status}`);
    }
    for (const step of run.steps) {
      if (seen.get(step.name) === step.status) continue;
      seen.set(step.name, step.status);
      if (step.status === 'pending') continue;
      const took =
        step.startedAt && step.finishedAt
          ? ` in ${seconds(Date.parse(step.finishedAt) - Date.parse(step.startedAt))}`
          : '';
      console.log(
        `    [${seconds(Date.now() - started).padStart(6)}]   step ${step.name.padEnd(6)} ${step.status}${took}`,
      );
    }
    if (FINAL.includes(run.status)) {
      if (run.status !== 'succeeded')
        throw new DemoError(`run ${runId} ${run.status}: ${run.reason ?? 'no reason given'}`);
      return run;
    }
    if (Date.now() > deadline) throw new DemoError(`run ${runId} did not end within ${seconds(RUN_TIMEOUT_MS)}`);
    await sleep(200);
  }
}

const appFiles = (name, version) => ({
  Dockerfile: 'FROM node:20-alpine\nCOPY . /app\nCMD ["node", "/app/server.js"]\n',
  'server.js': `require('http').createServer((q, s) => s.end('hello from ${name} v${version}\\n')).listen(8080);\n`,
  'k8s/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: 1
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
      containers:
        - name: ${name}
          image: placeholder/${name}:none # set by K-Le-PaaS on each deploy
          ports:
            - containerPort: 8080
`,
});

async function main() {
  await checkRunning();
  const owner = 'demo';
  const name = `hello-${randomBytes(3).toString('hex')}`;
  console.log(`K-Le-PaaS demo against ${GATEWAY} (sandbox ${SANDBOX})\n`);

  console.log(`1. A repository in the sandbox's GitHub: ${owner}/${name}`);
  const { adminToken } = await sandbox('GET', '/_sandbox/github/app');
  const installation = await sandbox('POST', '/_sandbox/github/installations', { account: owner });
  const repo = await sandbox('POST', '/_sandbox/github/repos', { owner, name, installationId: installation.id });
  let head = pushCommit(repo, adminToken, appFiles(name, 0), 'initial commit');
  console.log(`   created, first commit ${head.slice(0, 7)}\n`);

  console.log('2. Registered through the REST API');
  const registered = await api('POST', '/projects', { owner, repo: name, branch: 'main', replicas: 1 });
  const projectId = registered.id;
  const project = await until(
    'the project to be provisioned',
    async () => {
      const p = await api('GET', `/projects/${projectId}`);
      if (p.status === 'failed') throw new DemoError(`provisioning failed: ${p.reason ?? 'no reason given'}`);
      return p.status === 'ready' && p;
    },
    120_000,
  );
  console.log(`   project ${projectId} ready in namespace ${project.namespace}\n`);

  const shipped = [];
  for (const version of [1, 2]) {
    const files = appFiles(name, version);
    const message = `v${version}: say hello ${version === 1 ? 'once' : 'again'}`;
    const before = head;
    head = pushCommit(repo, adminToken, files, message);
    console.log(`${2 + version}. Push ${version}: ${head.slice(0, 7)} "${message}", signed webhook sent`);
    const deliveryId = await sendPush(repo, head, before, message, files);
    const outcome = await until('the runner to decide on the push', async () => {
      const d = await http('GET', `${GATEWAY}/api/v1/deliveries/${deliveryId}`, undefined, {
        authorization: `Bearer ${TOKEN}`,
      });
      return d.status === 200 && d.body.status !== 'accepted' && d.body;
    });
    if (outcome.status !== 'run') throw new DemoError(`the push deployed nothing: ${JSON.stringify(outcome)}`);
    const run = await follow(outcome.runId);
    console.log(`   run ${run.id} succeeded: ${run.image}\n`);
    shipped.push(run);
  }

  console.log('5. Scale to 3 replicas');
  const scaled = await api('POST', `/projects/${projectId}/scale`, { replicas: 3 });
  await follow(scaled.runId);
  console.log('   scaled\n');

  console.log(`6. Roll back to the first push's deployment (${shipped[0].trigger.commitSha.slice(0, 7)})`);
  // A deployment's id is its run's id.
  const rolledBack = await api('POST', `/projects/${projectId}/rollback`, { deploymentId: shipped[0].id });
  const rollback = await follow(rolledBack.runId);
  console.log(`   rolled back: ${rollback.image}\n`);

  console.log("7. What the sandbox's cluster runs");
  const cluster = await sandbox('GET', '/_sandbox/cluster');
  const mine = (cluster.deployments ?? []).filter((d) => d.namespace === project.namespace);
  for (const d of mine)
    console.log(
      `   ${d.namespace}/${d.name}: ${d.replicas} replicas of ${d.containers.map((c) => c.image).join(', ')}`,
    );
  if (!mine.length) console.log('   nothing');

  console.log("\n8. Deployment statuses the sandbox's GitHub received");
  const auth = { authorization: `Bearer ${adminToken}` };
  const deployments = await http('GET', `${SANDBOX}/github/api/repos/${owner}/${name}/deployments`, undefined, auth);
  if (deployments.status !== 200 || !Array.isArray(deployments.body) || !deployments.body.length) {
    console.log('   none');
  } else {
    for (const d of deployments.body) {
      const statuses = await http(
        'GET',
        `${SANDBOX}/github/api/repos/${owner}/${name}/deployments/${d.id}/statuses`,
        undefined,
        auth,
      );
      const states = Array.isArray(statuses.body) ? statuses.body.map((s) => s.state).reverse() : [];
      console.log(
        `   deployment ${d.id} (${d.environment}, ${String(d.sha).slice(0, 7)}): ${states.join(' → ') || 'no status'}`,
      );
    }
  }

  const stats = await api('GET', `/projects/${projectId}/stats?window=7d`);
  console.log(
    `\nDelivery figures (7 days): ${stats.deploymentFrequency.deployments} deployments, ` +
      `change failure rate ${stats.changeFailureRate.rate ?? '-'}, lead time p50 ${
        stats.leadTimeForChanges.p50Ms === null ? '-' : seconds(stats.leadTimeForChanges.p50Ms)
      }`,
  );
  console.log('\nDemo complete.');
}

main().catch((error) => {
  if (error instanceof DemoError) console.error(`\ndemo failed: ${error.message}`);
  else console.error('\ndemo failed:', error);
  process.exit(1);
});
