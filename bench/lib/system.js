// The whole system for a benchmark: the sandbox and the five services started from dist as
// child processes (as `npm start` does in sandbox mode), against a database and a vhost of the
// benchmark's own, everything they write inside one temp dir. `stop()` removes it all; so does
// Ctrl-C or a crash.
const { createHmac, generateKeyPairSync, randomUUID } = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Pool } = require('pg');
const jwt = require('jsonwebtoken');
const { createBenchInfra } = require('./infra');
const { freePort, start, waitForHttp, stop } = require('./processes');
const { pushFiles } = require('./git');
const { ncpCall } = require('./ncp');
const { until } = require('./stats');

const ROOT = path.join(__dirname, '../..');
const SERVICES = ['gateway', 'provisioner', 'mirror', 'runner', 'history'];
const TERMINAL = ['succeeded', 'failed', 'cancelled', 'superseded'];

const SECRETS = {
  ncpAccessKey: 'sandbox-access-key',
  ncpSecretKey: 'sandbox-secret-key',
  gitUsername: 'sandbox-git',
  gitPassword: 'sandbox-git-password',
  jwt: 'bench-jwt-secret-of-at-least-32-bytes',
  appWebhook: 'bench-app-webhook-secret',
  githubAppId: '424242',
  githubAdminToken: 'sandbox-github-admin-token',
};

/** A Dockerfile and a manifest like a user's (the image line is what each deploy changes). */
function appFiles(app) {
  return {
    Dockerfile: 'FROM scratch\nCOPY . /app\n',
    'k8s/deployment.yaml': `# ${app}: the web tier
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${app}
spec:
  replicas: 1
  selector:
    matchLabels:
      app: ${app}
  template:
    metadata:
      labels:
        app: ${app}
    spec:
      containers:
        - name: ${app}
          image: placeholder/${app}:none # set by K-Le-PaaS on each deploy
          ports:
            - containerPort: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: ${app}
spec:
  selector:
    app: ${app}
  ports:
    - port: 80
      targetPort: 8080
`,
    'README.md': `# ${app}\n\nA small service.\n`,
    'src/index.js': `console.log('hello from ${app}');\n`,
  };
}

const cleanups = new Set();
let handlersInstalled = false;
let interrupted = false;
function installHandlers() {
  if (handlersInstalled) return;
  handlersInstalled = true;
  const bail = (why) => {
    interrupted = true;
    console.error(`\n${why}: stopping everything`);
    Promise.allSettled([...cleanups].map((c) => c())).finally(() => process.exit(130));
  };
  process.once('SIGINT', () => bail('SIGINT'));
  process.once('SIGTERM', () => bail('SIGTERM'));
}

/**
 * Starts the system. `serviceEnv[app]` adds variables to one service (e.g. an endpoint through
 * a counting proxy: then a function, possibly async, of the sandbox URL). `logLevel` is the
 * services' (info by default, as in production: their logs go to files in the temp dir).
 */
async function startSystem({ name = 'bench', serviceEnv = {}, logLevel = 'info' } = {}) {
  installHandlers();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `klepaas-bench-${name}-`));
  const dirs = { logs: path.join(tmp, 'logs'), tmp: path.join(tmp, 'tmp'), work: path.join(tmp, 'work') };
  for (const d of Object.values(dirs)) fs.mkdirSync(d, { recursive: true });
  const children = {};
  let infra;
  let pool;
  let stopping;
  const system = {
    tmp,
    dirs,
    children,
    secrets: SECRETS,
    // As the login issues them; the GitHub identity is the sandbox's development user, admin of every repository.
    token: jwt.sign(
      { sub: 'bench-user', roles: [], github_user_id: 100001, github_login: 'sandbox-developer' },
      SECRETS.jwt,
      { algorithm: 'HS256', expiresIn: 6 * 3600, issuer: 'klepaas', audience: 'klepaas' },
    ),
    /** Stops and removes everything; a second call waits for the first. */
    stop({ failed = false } = {}) {
      stopping ??= (async () => {
        if (failed && !interrupted) printLogTails(children);
        else printLogWarnings(children);
        await Promise.allSettled(Object.values(children).map((c) => stop(c)));
        await pool?.end().catch(() => undefined);
        await infra?.dispose().catch(() => undefined);
        fs.rmSync(tmp, { recursive: true, force: true });
        cleanups.delete(system.stop);
      })();
      return stopping;
    },
  };
  cleanups.add(system.stop);
  try {
    infra = await createBenchInfra();
    system.databaseUrl = infra.databaseUrl;
    pool = new Pool({ connectionString: infra.databaseUrl, max: 4 });
    const ports = {};
    for (const app of [...SERVICES, 'sandbox']) ports[app] = await freePort();
    const sandboxUrl = `http://127.0.0.1:${ports.sandbox}`;
    system.sandboxUrl = sandboxUrl;
    system.gatewayUrl = `http://127.0.0.1:${ports.gateway}`;
    system.urls = Object.fromEntries(Object.entries(ports).map(([app, port]) => [app, `http://127.0.0.1:${port}`]));
    const appKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      type: 'pkcs1',
      format: 'pem',
    });
    const common = {
      KLEPAAS_SANDBOX: 'true',
      KLEPAAS_SANDBOX_URL: sandboxUrl,
      KLEPAAS_NCP_ACCESS_KEY: SECRETS.ncpAccessKey,
      KLEPAAS_NCP_SECRET_KEY: SECRETS.ncpSecretKey,
      KLEPAAS_NCP_SOURCECOMMIT_USERNAME: SECRETS.gitUsername,
      KLEPAAS_NCP_SOURCECOMMIT_PASSWORD: SECRETS.gitPassword,
      KLEPAAS_GITHUB_APP_ID: SECRETS.githubAppId,
      KLEPAAS_GITHUB_APP_PRIVATE_KEY: appKey,
      KLEPAAS_JWT_SECRET: SECRETS.jwt,
      KLEPAAS_GITHUB_APP_WEBHOOK_SECRET: SECRETS.appWebhook,
      KLEPAAS_DATABASE_URL: infra.databaseUrl,
      KLEPAAS_RABBITMQ_URL: infra.rabbitmqUrl,
      KLEPAAS_LOG_LEVEL: logLevel,
      TMPDIR: dirs.tmp, // the mirror's cache and every scratch directory land in the temp dir
      ...Object.fromEntries(
        Object.entries(ports).map(([app, port]) => [`KLEPAAS_${app.toUpperCase()}_PORT`, String(port)]),
      ),
    };
    const main = (app) => path.join(ROOT, 'dist/apps', app, 'main.js');
    for (const app of [...SERVICES, 'sandbox']) {
      if (!fs.existsSync(main(app))) throw new Error(`${main(app)} is missing: run "npm run build" first`);
    }
    const launch = (app, env) =>
      (children[app] = start(main(app), [], env, { log: path.join(dirs.logs, `${app}.log`), unset: ['PORT'] }));
    launch('sandbox', { ...common, KLEPAAS_SANDBOX_DATA_DIR: path.join(tmp, 'sandbox-data') });
    await waitForHttp(`${sandboxUrl}/health/ready`, 30_000, children.sandbox);
    for (const app of SERVICES) {
      const extra = typeof serviceEnv[app] === 'function' ? await serviceEnv[app](sandboxUrl) : (serviceEnv[app] ?? {});
      launch(app, { ...common, ...extra });
    }
    await Promise.all(
      SERVICES.map((app) => waitForHttp(`http://127.0.0.1:${ports[app]}/health/ready`, 90_000, children[app])),
    );
    /** Starts a service again (after a kill) with the environment it had; resolves once it is ready. */
    system.relaunch = async (app) => {
      const extra = typeof serviceEnv[app] === 'function' ? await serviceEnv[app](sandboxUrl) : (serviceEnv[app] ?? {});
      launch(app, { ...common, ...extra });
      await waitForHttp(`http://127.0.0.1:${ports[app]}/health/ready`, 90_000, children[app]);
    };
    system.rabbitmqVhost = new URL(infra.rabbitmqUrl).pathname.slice(1);
  } catch (error) {
    await system.stop({ failed: true });
    throw error;
  }

  system.query = async (sql, params) => (await pool.query(sql, params)).rows;

  /** A `/_sandbox/...` control call (unsigned). */
  system.sandbox = async (method, route, body) => {
    const res = await fetch(`${system.sandboxUrl}${route}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`sandbox ${method} ${route}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };

  /** A signed NCP call to the sandbox: `service` is sourcecommit, sourcebuild, sourcedeploy… */
  system.ncp = (service, method, route, body) =>
    ncpCall(`${system.sandboxUrl}/ncp/${service}`, method, route, body, {
      accessKey: SECRETS.ncpAccessKey,
      secretKey: SECRETS.ncpSecretKey,
    });

  /** Sum and count of a Prometheus histogram of a service (all label sets added up). */
  system.histogram = async (app, name) => {
    const text = await (await fetch(`${system.urls[app]}/metrics`)).text();
    const total = (suffix) =>
      text
        .split('\n')
        .filter((l) => l.startsWith(`${name}_${suffix}`))
        .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
    return { sum: total('sum'), count: total('count') };
  };

  system.api = async (method, route, body) => {
    const res = await fetch(`${system.gatewayUrl}${route}`, {
      method,
      headers: { authorization: `Bearer ${system.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };

  /**
   * `count` GitHub repositories of one owner (one App installation), each registered as a
   * project and ready in the read model and in the runner's own copy. With `firstCommit`, a
   * commit (Dockerfile and manifest) is on GitHub first, so each project deploys it once ready
   * (the reconcile of a project that becomes ready); without (the default), nothing deploys
   * until the benchmark pushes. Registered `groupSize` at a time, each group
   * ready before the next: with ten registrations in flight the provisioner runs out of
   * database connections (docs/benchmarks.md, "Found while measuring").
   */
  system.readyProjects = async (
    count,
    { owner = 'bench-org', prefix = 'app', groupSize = 4, firstCommit = false } = {},
  ) => {
    const installation = await system.sandbox('POST', '/_sandbox/github/installations', { account: owner });
    const names = Array.from({ length: count }, (_, i) => `${prefix}-${String(i + 1).padStart(2, '0')}`);
    const projects = [];
    for (let i = 0; i < names.length; i += groupSize) {
      const group = [];
      await inBatches(names.slice(i, i + groupSize), groupSize, async (name) => {
        const repo = await system.sandbox('POST', '/_sandbox/github/repos', {
          owner,
          name,
          installationId: installation.id,
        });
        const app = `${owner}-${name}`;
        // Without a first commit the project deploys nothing until its first push.
        if (firstCommit) await system.commit(repo, appFiles(app), 'first commit');
        const registered = await system.api('POST', '/api/v1/projects', { owner, repo: name });
        if (registered.status !== 202) {
          throw new Error(`registering ${owner}/${name}: ${registered.status} ${JSON.stringify(registered.body)}`);
        }
        group.push({ name, app, repo, id: registered.body.id });
      });
      const ids = group.map((p) => p.id);
      const rows = await until(
        () => system.query(`SELECT project_id, status FROM runner_projects WHERE project_id = ANY($1::uuid[])`, [ids]),
        (rs) => rs.length === ids.length && rs.every((r) => r.status !== 'provisioning'),
        { timeoutMs: 120_000, everyMs: 250, what: `projects ${group.map((p) => p.name).join(', ')} to be provisioned` },
      );
      const failed = rows.filter((r) => r.status !== 'ready');
      if (failed.length) {
        const why = await system.query(
          `SELECT owner, repo, status, failed_step, error FROM projects WHERE id = ANY($1::uuid[])`,
          [failed.map((r) => r.project_id)],
        );
        throw new Error(`registration failed: ${JSON.stringify(why)}`);
      }
      projects.push(...group);
    }
    for (const project of projects) {
      const view = await until(
        () => system.api('GET', `/api/v1/projects/${project.id}`),
        (r) => r.body?.status === 'ready',
        { timeoutMs: 60_000, what: `project ${project.name} ready in the read model` },
      );
      project.view = view.body;
    }
    return projects.sort((a, b) => a.name.localeCompare(b.name));
  };

  /** A commit lands on the project's GitHub repository (no webhook yet); its sha. */
  system.commit = (repo, files, message) =>
    pushFiles(
      repo.cloneUrl,
      { username: 'x-access-token', password: SECRETS.githubAdminToken },
      'main',
      files,
      message,
      dirs.work,
    );

  /** GitHub's signed `push` delivery for a commit already pushed; when it was sent and answered. */
  system.sendPush = async (repo, sha, message = 'change') => {
    const deliveryId = randomUUID();
    const commit = {
      id: sha,
      tree_id: sha,
      message,
      timestamp: new Date().toISOString(),
      author: { name: 'Dev', email: 'dev@example.com', username: 'dev' },
      added: [],
      removed: [],
      modified: ['k8s/deployment.yaml'],
    };
    const body = Buffer.from(
      JSON.stringify({
        ref: 'refs/heads/main',
        before: '0'.repeat(40),
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
        pusher: { name: 'dev', email: 'dev@example.com' },
        sender: { login: 'dev', id: 1 },
        installation: { id: repo.installationId },
      }),
    );
    const sentAt = Date.now();
    const res = await fetch(`${system.gatewayUrl}/api/v1/github/webhook`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'push',
        'x-github-delivery': deliveryId,
        'x-hub-signature-256': `sha256=${createHmac('sha256', SECRETS.appWebhook).update(body).digest('hex')}`,
        'user-agent': 'GitHub-Hookshot/bench',
      },
      body,
    });
    await res.arrayBuffer();
    const acceptedAt = Date.now();
    if (res.status !== 202) throw new Error(`the push delivery was answered ${res.status}`);
    return { deliveryId, sha, sentAt, acceptedAt };
  };

  /** The runs of these deliveries once every one has ended (rows of `runs`). */
  system.untilRunsEnd = async (deliveryIds, timeoutMs = 180_000) =>
    until(
      () => system.query(`SELECT * FROM runs WHERE delivery_id = ANY($1::text[])`, [deliveryIds]),
      (rows) => rows.length === deliveryIds.length && rows.every((r) => TERMINAL.includes(r.status)),
      { timeoutMs, everyMs: 250, what: `${deliveryIds.length} runs to end` },
    );

  /** The timeline (history's rm_timeline) of these runs, once RunCompleted of each is in it. */
  system.timelines = async (runIds, timeoutMs = 60_000) => {
    const rows = await until(
      () =>
        system.query(
          `SELECT correlation_id, event_type, occurred_at, data FROM rm_timeline WHERE correlation_id = ANY($1::text[]) ORDER BY seq`,
          [runIds],
        ),
      (rs) =>
        new Set(rs.filter((r) => r.event_type === 'RunCompleted').map((r) => r.correlation_id)).size === runIds.length,
      { timeoutMs, everyMs: 250, what: 'history to record every run' },
    );
    const byRun = new Map(runIds.map((id) => [id, {}]));
    for (const r of rows) byRun.get(r.correlation_id)[r.event_type] ??= { at: r.occurred_at.getTime(), data: r.data };
    return byRun;
  };

  return system;
}

async function inBatches(items, size, fn) {
  const queue = [...items];
  const workers = Array.from({ length: Math.min(size, queue.length) }, async () => {
    while (queue.length) await fn(queue.shift());
  });
  await Promise.all(workers);
}

/** Warnings and errors the services logged while measured: worth knowing beside the figures. */
function printLogWarnings(children) {
  const found = [];
  for (const [app, child] of Object.entries(children)) {
    if (!child.log || !fs.existsSync(child.log)) continue;
    const messages = new Map();
    for (const line of fs.readFileSync(child.log, 'utf8').split('\n')) {
      let entry;
      try {
        entry = JSON.parse(line);
      } catch {
        continue;
      }
      if (!(entry.level >= 40)) continue;
      // One count per kind of message: ids and numbers vary between otherwise equal lines.
      const text = `${entry.msg ?? ''}${entry.err?.message ? `: ${entry.err.message}` : ''}`;
      const kind = text
        .replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, '<id>')
        .replace(/\d+/g, 'N')
        .slice(0, 160);
      messages.set(kind, (messages.get(kind) ?? 0) + 1);
    }
    for (const [kind, count] of messages) found.push(`  ${app}: ${count}× ${kind}`);
  }
  if (found.length) console.log(`\nwarnings and errors in the services' logs:\n${found.join('\n')}`);
  else console.log(`\nno warnings or errors in the services' logs`);
}

function printLogTails(children) {
  for (const [app, child] of Object.entries(children)) {
    if (!child.log || !fs.existsSync(child.log)) continue;
    const lines = fs.readFileSync(child.log, 'utf8').trim().split('\n').slice(-15);
    console.error(`--- last lines of ${app}'s log ---\n${lines.join('\n')}`);
  }
}

/** Runs `body(system)` and always stops the system; a failure prints the services' last log lines. */
async function withSystem(options, body) {
  const system = await startSystem(options);
  let failed = true;
  try {
    const result = await body(system);
    failed = false;
    return result;
  } finally {
    await system.stop({ failed });
  }
}

/**
 * The end of a benchmark that failed: the error (unless Ctrl-C caused it), then exit once every
 * system is stopped and removed.
 */
function exitOnError(error) {
  if (!interrupted) console.error(error);
  Promise.allSettled([...cleanups].map((c) => c())).finally(() => process.exit(interrupted ? 130 : 1));
}

module.exports = { startSystem, withSystem, exitOnError, appFiles, inBatches, SERVICES, TERMINAL };
