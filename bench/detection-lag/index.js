#!/usr/bin/env node
// Detection lag: how long after NCP finishes a build the runner notices, and how many status
// calls it spends on the way. One project per build length (per-project timings in the
// sandbox); each project deploys `--runs` times in a row, the projects side by side. Per run:
//
//   lag          BuildSucceeded's occurred_at (history's rm_timeline; the runner stamps it in the
//                transaction that records the transition) − the build's `end` in the sandbox
//                (GET /_sandbox/builds/{buildId})
//   status calls GET …/sourcebuild/api/v1/project/{id}/history requests the runner made for the
//                build, counted by a proxy in front of the sandbox (the runner's SourceBuild and
//                SourceDeploy endpoints point at it; the sandbox keeps no count itself)
//   polls        runs.polls as last seen while the run was building (sampled every 100 ms): the
//                looks that found the build still running; the step's status calls are polls + 1
//
// The runner aims its polls at the project's own past durations, so the first run of a project
// (no history: it expects the 60 s default) is shown apart from the later ones. A fixed 30 s
// poll is computed beside each, not measured. Deploys (`--deploy` seconds) are measured the same
// way, from the deploy history's endTime to the run's finished_at. Then one more run of each
// project whose build, doubled, takes at most `--overrun` seconds, at twice its usual length: a
// build that overruns what the schedule expects. Last, computed (not measured) from
// apps/runner/src/driver/poll-schedule.ts: the schedule's calls and lag for builds of minutes.
//
//   npm run build && node bench/detection-lag [--builds 3,8,15,30] [--runs 3] [--deploy 5] [--overrun 30]
const { withSystem, exitOnError, appFiles } = require('../lib/system');
const { startCountingProxy } = require('../lib/counting-proxy');
const { percentile, mean, ms, table, parseArgs, sleep, loadAverage } = require('../lib/stats');

const args = parseArgs();
const BUILDS_S = String(args.builds ?? '3,8,15,30')
  .split(',')
  .map(Number);
const RUNS = Number(args.runs ?? 3);
const DEPLOY_S = Number(args.deploy ?? 5);
/** One more run of each project whose doubled length is at most this many seconds (0: none). */
const OVERRUN_MAX_S = Number(args.overrun ?? 30);
const FIXED_POLL_S = 30;

async function main() {
  console.log(
    `detection lag: builds of ${BUILDS_S.join(', ')} s (one project each), deploys of ${DEPLOY_S} s, ` +
      `${RUNS} runs per project in a row; ${new Date().toISOString()}; load average ${loadAverage()}`,
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
    await withSystem({ name: 'detection-lag', serviceEnv }, async (sys) => {
      const projects = await sys.readyProjects(BUILDS_S.length, { prefix: 'lag' });
      const perProject = {};
      projects.forEach((p, i) => {
        p.buildMs = BUILDS_S[i] * 1000;
        p.buildProjectId = p.view.ncp.sourceBuildProjectId;
        p.deployProjectId = p.view.ncp.sourceDeployProjectId;
        perProject[String(p.buildProjectId)] = { buildMs: p.buildMs };
      });
      await sys.sandbox('PUT', '/_sandbox/timings', { deployMs: DEPLOY_S * 1000, projects: perProject });

      // runs.polls is reset when a step starts and when the build succeeds: sample it meanwhile.
      const polls = new Map();
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          const rows = await sys.query(`SELECT id, status, polls FROM runs WHERE status IN ('building', 'deploying')`);
          for (const r of rows) {
            const key = `${r.id}:${r.status}`;
            polls.set(key, Math.max(polls.get(key) ?? 0, r.polls));
          }
          await sleep(100);
        }
      })();

      const started = Date.now();
      const results = await Promise.all(projects.map((p) => runsOf(sys, proxy, p, 1, RUNS)));
      const overrunning = projects.filter((p) => OVERRUN_MAX_S > 0 && 2 * p.buildMs <= OVERRUN_MAX_S * 1000);
      if (overrunning.length) {
        for (const p of overrunning) perProject[String(p.buildProjectId)] = { buildMs: 2 * p.buildMs };
        await sys.sandbox('PUT', '/_sandbox/timings', { projects: perProject });
        const more = await Promise.all(overrunning.map((p) => runsOf(sys, proxy, p, RUNS + 1, RUNS + 1)));
        for (const r of more.flat()) r.overrun = true;
        results.push(...more);
      }
      sampling = false;
      await sampler;
      const timelines = await sys.timelines(results.flat().map((r) => r.runId));
      for (const r of results.flat()) {
        r.noticedAt = timelines.get(r.runId).BuildSucceeded?.at ?? NaN;
        r.lag = r.noticedAt - r.buildEnd;
        r.buildPolls = polls.get(`${r.runId}:building`) ?? 0;
        r.deployPolls = polls.get(`${r.runId}:deploying`) ?? 0;
      }
      console.log(`all runs done in ${ms(Date.now() - started)}\n`);
      report(projects, results);
    });
  } finally {
    await proxy?.close();
  }
}

/** The project's runs, one after another: push, wait for the end, collect the figures. */
async function runsOf(sys, proxy, project, from, to) {
  const buildCalls = () =>
    proxy.count('GET', (p) => p === `/ncp/sourcebuild/api/v1/project/${project.buildProjectId}/history`);
  const deployCalls = () =>
    proxy.count('GET', (p) => p.startsWith(`/ncp/sourcedeploy/api/v1/project/${project.deployProjectId}/history/`));
  const out = [];
  for (let n = from; n <= to; n++) {
    const files = { ...appFiles(project.app), 'src/index.js': `console.log(${n});\n` };
    const sha = await sys.commit(project.repo, files, `change ${n}`);
    const before = { build: buildCalls(), deploy: deployCalls() };
    const sent = await sys.sendPush(project.repo, sha, `change ${n}`);
    const [run] = await sys.untilRunsEnd([sent.deliveryId], 5 * 60_000);
    if (run.status !== 'succeeded')
      throw new Error(`run ${run.id} of ${project.name} ended ${run.status}: ${run.reason}`);
    const build = await sys.sandbox('GET', `/_sandbox/builds/${run.build_id}`);
    const deploy = await sys.ncp(
      'sourcedeploy',
      'GET',
      `/api/v1/project/${project.deployProjectId}/history/${run.deploy_history_id}`,
    );
    out.push({
      project: project.name,
      buildMs: project.buildMs,
      n,
      runId: run.id,
      buildEnd: build.end,
      buildTook: build.end - build.begin,
      buildCalls: buildCalls() - before.build,
      deployEnd: deploy.endTime,
      deployTook: deploy.endTime - deploy.startTime,
      deployLag: run.finished_at.getTime() - deploy.endTime,
      deployCalls: deployCalls() - before.deploy,
    });
  }
  return out;
}

function report(projects, results) {
  const all = results.flat();
  const later = all.filter((r) => r.n > 1 && !r.overrun);
  const first = all.filter((r) => r.n === 1);
  const overrun = all.filter((r) => r.overrun);
  const fixedCalls = (msTook) => Math.ceil(msTook / 1000 / FIXED_POLL_S);
  const rows = [
    [
      'build (sandbox)',
      'run',
      'took',
      'lag',
      'status calls',
      'polls',
      `fixed ${FIXED_POLL_S} s poll, computed: lag`,
      'calls',
    ],
  ];
  for (const r of all) {
    rows.push([
      `${r.buildMs / 1000} s (${r.project})`,
      r.n === 1 ? '1 (first)' : r.overrun ? `${r.n} (2× usual)` : String(r.n),
      ms(r.buildTook),
      ms(r.lag),
      r.buildCalls,
      r.buildPolls,
      '~15 s',
      fixedCalls(r.buildTook),
    ]);
  }
  console.log('builds, every run:');
  console.log(table(rows));

  const summary = [
    [
      'builds',
      'runs',
      'lag p50',
      'lag max',
      'status calls, mean',
      `fixed ${FIXED_POLL_S} s poll (computed): lag mean, calls mean`,
    ],
  ];
  const line = (label, rs) => [
    label,
    rs.length,
    ms(
      percentile(
        rs.map((r) => r.lag),
        50,
      ),
    ),
    ms(Math.max(...rs.map((r) => r.lag))),
    mean(rs.map((r) => r.buildCalls)).toFixed(1),
    `15 s, ${mean(rs.map((r) => fixedCalls(r.buildTook))).toFixed(1)}`,
  ];
  summary.push(line('later runs (the schedule knows the project)', later));
  summary.push(line('first runs (no history: expects 60 s)', first));
  if (overrun.length) summary.push(line('overrunning runs (2× the usual length)', overrun));
  for (const p of projects)
    summary.push(
      line(
        `  later runs, ${p.buildMs / 1000} s builds`,
        later.filter((r) => r.project === p.name),
      ),
    );
  console.log('\nsummary:');
  console.log(table(summary));

  const deploys = [['deploys', 'runs', 'took p50', 'lag p50', 'lag max', 'status calls, mean']];
  const dline = (label, rs) => [
    label,
    rs.length,
    ms(
      percentile(
        rs.map((r) => r.deployTook),
        50,
      ),
    ),
    ms(
      percentile(
        rs.map((r) => r.deployLag),
        50,
      ),
    ),
    ms(Math.max(...rs.map((r) => r.deployLag))),
    mean(rs.map((r) => r.deployCalls)).toFixed(1),
  ];
  deploys.push(dline('later runs', later));
  deploys.push(dline('first runs (no history: expects 30 s)', first));
  console.log(`\ndeploys of ${DEPLOY_S} s (lag: run finished_at − the deploy history's endTime):`);
  console.log(table(deploys));
  const mismatched = all.filter((r) => r.buildCalls !== r.buildPolls + 1);
  console.log(
    `\nthe runner's schedule for longer builds, computed from poll-schedule.ts (not measured; no processing time):`,
  );
  console.log(table(computedSchedule()));
  console.log(
    `\nstatus calls = polls + 1 (the last look sees the end) in ${all.length - mismatched.length} of ${all.length} runs` +
      (mismatched.length
        ? `; not in: ${mismatched.map((r) => `${r.project}#${r.n} (${r.buildCalls} vs ${r.buildPolls})`).join(', ')}`
        : ''),
  );
}

/**
 * What apps/runner/src/driver/poll-schedule.ts gives for builds of minutes, called as the build
 * step calls it: the first look with 0 looks so far, then after each look with the looks so far.
 * Transpiled from the source at run time.
 */
function computedSchedule() {
  const ts = require('typescript');
  const fs = require('node:fs');
  const Module = require('node:module');
  const file = require('node:path').join(__dirname, '../../apps/runner/src/driver/poll-schedule.ts');
  const js = ts.transpileModule(fs.readFileSync(file, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 },
  }).outputText;
  const mod = new Module(file);
  mod._compile(js, file);
  const { nextPollDelay } = mod.exports;
  const simulate = (expectedMs, actualMs) => {
    let t = nextPollDelay(0, expectedMs, 0);
    for (let calls = 1; ; calls++) {
      if (t >= actualMs) return { calls, lag: t - actualMs };
      t += nextPollDelay(t, expectedMs, calls);
    }
  };
  const rows = [
    ['usual build', 'this build', 'schedule: calls', 'lag', `fixed ${FIXED_POLL_S} s: calls`, 'lag (mean)'],
  ];
  for (const minutes of [1, 5, 10, 20]) {
    for (const [factor, label] of [
      [1, 'on time'],
      [0.5, 'half as long'],
      [1.5, '1.5× as long'],
    ]) {
      const expected = minutes * 60_000;
      const { calls, lag } = simulate(expected, expected * factor);
      rows.push([
        `${minutes} min`,
        label,
        calls,
        ms(lag),
        Math.ceil((expected * factor) / 1000 / FIXED_POLL_S),
        '15 s',
      ]);
    }
  }
  return rows;
}

main().catch(exitOnError);
