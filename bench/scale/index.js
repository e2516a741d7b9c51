#!/usr/bin/env node
// Scale: many registered projects, and many runs in flight at once with builds and deploys of
// realistic lengths, time compressed. A real SourceBuild build of a small service takes about
// three minutes and a deploy about one; with `--compression 10` (the default) builds take 18 s
// and deploys 6 s (each project ±30 %), so a 30 s fixed poll compares as a 3 s one.
//
//   npm run build && node bench/scale [--projects 1000] [--runs 200] [--compression 10] [--group 20]
//
// Before the load: ten projects deploy once (the installation's build history, which a
// project's first build is scheduled by), and one project deploys alone (the floor: the same
// path with nothing else running). Then `--runs` projects get a push at the same moment. It
// prints, per service, peak RSS during the load; PostgreSQL connections at most; NCP calls per
// minute by operation; status calls per run against a fixed poll; detection lag (a build's or
// deploy's end in the sandbox → the runner's event) p50/p99; webhook accepted → build requested
// p50/p99; each beside the floor. Targets (docs/benchmarks.md): RSS ≤ 250 MB per service,
// detection lag p99 ≤ 2 s, status calls per run ≤ a fixed poll's, connections under the limit.
const { withSystem, exitOnError, inBatches, appFiles, SERVICES } = require('../lib/system');
const { startCountingProxy } = require('../lib/counting-proxy');
const { plainGitDeploys } = require('../lib/git-floor');
const { percentile, ms, table, parseArgs, sleep, loadAverage } = require('../lib/stats');

const args = parseArgs();
const PROJECTS = Number(args.projects ?? 1000);
const RUNS = Math.min(Number(args.runs ?? 200), PROJECTS - 11);
const COMPRESSION = Number(args.compression ?? 10);
const GROUP = Number(args.group ?? 20);
const BUILD_MS = (180_000 / COMPRESSION) | 0;
const DEPLOY_MS = (60_000 / COMPRESSION) | 0;
const FIXED_POLL_MS = 30_000 / COMPRESSION;

async function main() {
  console.log(
    `scale: ${PROJECTS} projects, ${RUNS} runs at once, builds ~${BUILD_MS / 1000} s and deploys ~${DEPLOY_MS / 1000} s ` +
      `(real lengths ÷ ${COMPRESSION}); ${new Date().toISOString()}; load average ${loadAverage()}`,
  );
  let proxy;
  const serviceEnv = {
    runner: async (sandboxUrl) => {
      proxy = await startCountingProxy(sandboxUrl);
      return {
        KLEPAAS_NCP_SOURCEBUILD_ENDPOINT: `${proxy.url}/ncp/sourcebuild`,
        KLEPAAS_NCP_SOURCEDEPLOY_ENDPOINT: `${proxy.url}/ncp/sourcedeploy`,
      };
    },
  };
  try {
    await withSystem({ name: 'scale', serviceEnv, logLevel: 'warn' }, async (sys) => {
      const setupStarted = Date.now();
      const projects = await sys.readyProjects(PROJECTS, { prefix: 'svc', groupSize: GROUP });
      const setupS = (Date.now() - setupStarted) / 1000;
      console.log(
        `${PROJECTS} projects registered and ready in ${setupS.toFixed(0)} s (${(PROJECTS / setupS).toFixed(1)}/s)`,
      );
      const timings = {};
      for (const p of projects) {
        const jitter = () => 0.7 + Math.random() * 0.6;
        p.buildMs = Math.round(BUILD_MS * jitter());
        p.deployMs = Math.round(DEPLOY_MS * jitter());
        timings[String(p.view.ncp.sourceBuildProjectId)] = { buildMs: p.buildMs };
        timings[String(p.view.ncp.sourceDeployProjectId)] = { deployMs: p.deployMs };
      }
      await sys.sandbox('PUT', '/_sandbox/timings', { projects: timings });

      // The installation's build history, which a project's first build is scheduled by.
      await measure(sys, proxy, await push(sys, projects.slice(0, 10), 'warm-up'));
      const floor = await measure(sys, proxy, await push(sys, projects.slice(10, 11), 'alone'));

      const loaded = projects.slice(11, 11 + RUNS);
      for (const child of Object.values(sys.children)) child.resetPeak();
      const connections = sampleConnections(sys);
      const started = Date.now();
      const callsBefore = snapshot(proxy);
      const sent = await push(sys, loaded, 'load');
      const load = await measure(sys, proxy, sent);
      const minutes = (Date.now() - started) / 60_000;
      const calls = diff(snapshot(proxy), callsBefore);
      const maxConnections = await connections.stop();
      // The floor of the mirror phase under the same load: plain git for the same projects, as
      // many at once as the mirror takes jobs (its prefetch, 10).
      const gitStarted = Date.now();
      const plain = await plainGitDeploys(sys, loaded, 'scale', 10);
      const gitWallS = (Date.now() - gitStarted) / 1000;

      const row = (label, alone, under, unit = ms) => [label, unit(alone), unit(under)];
      console.log(
        `\n${table([
          ['', 'alone (floor)', `${RUNS} at once`],
          row('webhook accepted → build requested p50', floor.toBuild.p50, load.toBuild.p50),
          row('webhook accepted → build requested p99', floor.toBuild.p99, load.toBuild.p99),
          ...PHASES.map(([label, key]) => row(`  of which ${label} p50`, floor.phases[key].p50, load.phases[key].p50)),
          row('build detection lag p50', floor.buildLag.p50, load.buildLag.p50),
          row('build detection lag p99', floor.buildLag.p99, load.buildLag.p99),
          row('deploy detection lag p50', floor.deployLag.p50, load.deployLag.p50),
          row('deploy detection lag p99', floor.deployLag.p99, load.deployLag.p99),
          row('status calls per run (fixed poll: see below)', floor.statusPerRun, load.statusPerRun, fixed),
          ['runs succeeded', `${floor.succeeded}/1`, `${load.succeeded}/${RUNS}`],
        ])}`,
      );
      console.log(
        `mirror phase floor: plain git clone+edit+commit+push of the same ${RUNS} projects, 10 at a time: ` +
          `p50 ${ms(percentile(plain, 50))}, p99 ${ms(percentile(plain, 99))}, all done in ${gitWallS.toFixed(0)} s ` +
          `(the system: every mirror job done ${(load.mirrorWallMs / 1000).toFixed(0)} s after the first was requested)`,
      );
      const fixedPoll = loaded.reduce(
        (n, p) => n + Math.ceil(p.buildMs / FIXED_POLL_MS) + Math.ceil(p.deployMs / FIXED_POLL_MS),
        0,
      );
      console.log(
        `a fixed ${FIXED_POLL_MS / 1000} s poll (30 s ÷ ${COMPRESSION}) would make ${(fixedPoll / RUNS).toFixed(1)} status calls per run`,
      );
      console.log(
        `\n${table([
          ['peak RSS during the load', 'MB'],
          ...SERVICES.map((app) => [app, (sys.children[app].peakRssKb / 1024).toFixed(0)]),
        ])}`,
      );
      console.log(
        `\nPostgreSQL connections at most: ${maxConnections} (max_connections ${await maxConnectionsSetting(sys)})`,
      );
      console.log(
        `\n${table([
          ['NCP calls during the load', 'per minute'],
          ...Object.entries(calls)
            .sort((a, b) => b[1] - a[1])
            .map(([op, n]) => [op, (n / minutes).toFixed(0)]),
        ])}`,
      );
    });
  } finally {
    await proxy?.close();
  }
}

/** A commit and its push delivery for each project, all at once; when each was accepted. */
async function push(sys, projects, label) {
  const sent = [];
  await inBatches(projects, 16, async (p) => {
    const sha = await sys.commit(p.repo, { ...appFiles(p.app), VERSION: `${label}\n` }, label);
    sent.push({ project: p, sha });
  });
  return Promise.all(sent.map(async (s) => ({ ...s, ...(await sys.sendPush(s.project.repo, s.sha, s.project.app)) })));
}

/** Where the time from the webhook to the build request goes: label, key, from, to. */
const PHASES = [
  ['accepted → run queued (the trigger decided)', 'decide', 'accepted', 'queued'],
  ['run queued → mirror requested (the run started)', 'start', 'queued', 'mirrorRequested'],
  ['mirror requested → mirror completed', 'mirror', 'mirrorRequested', 'mirrored'],
  ['mirror completed → build requested', 'build', 'mirrored', 'buildRequested'],
];

/** Waits for the runs of `sent` to end and measures them. */
async function measure(sys, proxy, sent) {
  const runs = await sys.untilRunsEnd(
    sent.map((s) => s.deliveryId),
    15 * 60_000,
  );
  const timelines = await sys.timelines(runs.map((r) => r.id));
  const byDelivery = new Map(runs.map((r) => [r.delivery_id, r]));
  const toBuild = [];
  const phases = Object.fromEntries(PHASES.map(([, key]) => [key, []]));
  const buildLag = [];
  const deployLag = [];
  let statusCalls = 0;
  for (const s of sent) {
    const run = byDelivery.get(s.deliveryId);
    if (run.build_requested_at) toBuild.push(run.build_requested_at.getTime() - s.acceptedAt);
    const events = timelines.get(run.id);
    const at = {
      accepted: s.acceptedAt,
      queued: events.RunQueued?.at,
      mirrorRequested: events.MirrorRequested?.at,
      mirrored: events.MirrorCompleted?.at,
      buildRequested: run.build_requested_at?.getTime(),
    };
    for (const [, key, from, to] of PHASES) if (at[from] && at[to]) phases[key].push(at[to] - at[from]);
    if (run.build_id && events.BuildSucceeded) {
      const build = await sys.sandbox('GET', `/_sandbox/builds/${run.build_id}`);
      buildLag.push(events.BuildSucceeded.at - build.end);
    }
    if (run.deploy_history_id && run.finished_at) {
      const deployProject = s.project.view.ncp.sourceDeployProjectId;
      const history = await sys.ncp(
        'sourcedeploy',
        'GET',
        `/api/v1/project/${deployProject}/history/${run.deploy_history_id}`,
      );
      if (history.endTime) deployLag.push(run.finished_at.getTime() - history.endTime);
    }
    statusCalls += proxy.count('GET', (path) => isStatusCall(path, s.project));
  }
  const stats = (values) => ({ p50: percentile(values, 50), p99: percentile(values, 99) });
  const mirrorTimes = [...timelines.values()];
  const firstRequested = Math.min(...mirrorTimes.map((e) => e.MirrorRequested?.at ?? Infinity));
  const lastCompleted = Math.max(...mirrorTimes.map((e) => e.MirrorCompleted?.at ?? 0));
  return {
    mirrorWallMs: lastCompleted - firstRequested,
    toBuild: stats(toBuild),
    phases: Object.fromEntries(Object.entries(phases).map(([key, values]) => [key, stats(values)])),
    buildLag: stats(buildLag),
    deployLag: stats(deployLag),
    statusPerRun: statusCalls / sent.length,
    succeeded: runs.filter((r) => r.status === 'succeeded').length,
  };
}

function isStatusCall(path, project) {
  return (
    path === `/ncp/sourcebuild/api/v1/project/${project.view.ncp.sourceBuildProjectId}/history` ||
    path.startsWith(`/ncp/sourcedeploy/api/v1/project/${project.view.ncp.sourceDeployProjectId}/history/`)
  );
}

/** Calls by operation (method and path with ids replaced), from the counting proxy. */
function snapshot(proxy) {
  const ops = {};
  const counts = proxy.counts();
  for (const [key, n] of counts) {
    const op = key.replace(/\/\d+/g, '/{id}').replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, '{id}');
    ops[op] = (ops[op] ?? 0) + n;
  }
  return ops;
}

function diff(after, before) {
  return Object.fromEntries(Object.entries(after).map(([op, n]) => [op, n - (before[op] ?? 0)]));
}

/** The most connections to the benchmark's database seen while the load ran (sampled every 250 ms). */
function sampleConnections(sys) {
  let max = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const [row] = await sys.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database()`,
      );
      max = Math.max(max, row.n);
      await sleep(250);
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return max;
    },
  };
}

async function maxConnectionsSetting(sys) {
  const [row] = await sys.query(`SHOW max_connections`);
  return row.max_connections;
}

const fixed = (v) => (Number.isFinite(v) ? v.toFixed(1) : '-');

main().catch(exitOnError);
