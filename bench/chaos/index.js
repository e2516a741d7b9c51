#!/usr/bin/env node
// Chaos: several projects, a stream of pushes, scales, rollbacks, cancels and retries, while a
// loop SIGKILLs or pauses (SIGSTOP) a random service, closes every RabbitMQ connection once, drops
// NCP answers and slows git. Then the faults stop, every project gets one last push, and the
// system must have kept every promise:
//
//   - every run ended; every accepted push delivery has a run or a recorded reason;
//   - no commit built twice and nothing built or deployed at NCP that no run recorded (but a
//     start a runner made after losing its run, which it cancelled itself: counted apart);
//   - every built image holds the source of its own commit (the build's commit is its run's
//     mirrored commit, whose parent is the run's commit);
//   - every project runs its desired state (runner and the sandbox's cluster agree).
//
//   npm run build && node bench/chaos [--projects 4] [--seconds 60] [--seed 1]
//
// It prints one line of figures and exits 1 when a promise was broken. A reduced form runs in
// CI (test/chaos.int-spec.ts).
const { setTimeout: sleep } = require('node:timers/promises');
const { execFile } = require('node:child_process');
const { withSystem, exitOnError, appFiles, SERVICES, TERMINAL } = require('../lib/system');
const { parseArgs, until, loadAverage } = require('../lib/stats');

const args = parseArgs();
const PROJECTS = Number(args.projects ?? 4);
const SECONDS = Number(args.seconds ?? 60);
let seed = Number(args.seed ?? Date.now() % 100_000);
const SEED = seed;
/** A small deterministic generator: a run can be replayed with --seed. */
const random = () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
};
const pick = (list) => list[Math.floor(random() * list.length)];

const RUNNER_ENV = {
  KLEPAAS_RUNNER_LEASE_MS: '4000',
  KLEPAAS_RUNNER_ADOPTION_GRACE_MS: '10000',
  KLEPAAS_RUNNER_MIRROR_TIMEOUT_MS: '20000',
  KLEPAAS_RUNNER_BUILD_TIMEOUT_MS: '90000',
  KLEPAAS_RUNNER_DEPLOY_TIMEOUT_MS: '90000',
};

async function main() {
  console.log(
    `chaos: ${PROJECTS} projects for ${SECONDS} s, seed ${SEED}; ${new Date().toISOString()}; load average ${loadAverage()}`,
  );
  const figures = await withSystem(
    { name: 'chaos', serviceEnv: { runner: RUNNER_ENV }, logLevel: 'warn' },
    async (sys) => {
      await sys.sandbox('PUT', '/_sandbox/timings', { buildMs: 800, deployMs: 500 });
      const projects = await sys.readyProjects(PROJECTS, { owner: 'chaos-org', prefix: 'svc' });
      const counts = { pushes: 0, undelivered: 0, commands: 0, faults: 0 };
      const faults = [];
      const stopAt = Date.now() + SECONDS * 1000;
      await Promise.all([workload(sys, projects, counts, stopAt), faultLoop(sys, counts, faults, stopAt)]);
      await heal(sys);
      // One last push each: whatever the chaos left, every project must converge on it.
      for (const p of projects) await push(sys, p, counts, 'final');
      await quiesce(sys);
      return { counts, faults, ...(await verify(sys, projects)) };
    },
  );
  const f = figures;
  console.log(
    `pushes=${f.counts.pushes} undelivered=${f.counts.undelivered} commands=${f.counts.commands} faults=${f.counts.faults}` +
      ` runs=${f.runs} lost=${f.lost} unfinished=${f.unfinished} double_builds=${f.doubleBuilds}` +
      ` untracked_builds=${f.untrackedBuilds} untracked_deploys=${f.untrackedDeploys} orphans_cancelled=${f.orphansCancelled}` +
      ` wrong_source=${f.wrongSource}` +
      ` converged=${f.converged}/${PROJECTS}`,
  );
  console.log(`faults: ${summarise(f.faults)}`);
  for (const problem of f.problems) console.log(`  ✗ ${problem}`);
  // A request the chaos cut off mid-way may still be waiting for its socket's timeout: done is done.
  process.exit(f.problems.length ? 1 : 0);
}

/** Pushes (most), scales, rollbacks, cancels and retries, one every ~0.7 s. */
async function workload(sys, projects, counts, stopAt) {
  let n = 0;
  while (Date.now() < stopAt) {
    const p = pick(projects);
    const r = random();
    try {
      if (r < 0.6) await push(sys, p, counts, `v${++n}`);
      else if (r < 0.72)
        await command(sys, counts, `/api/v1/projects/${p.id}/scale`, { replicas: 1 + Math.floor(random() * 3) });
      else if (r < 0.8) await command(sys, counts, `/api/v1/projects/${p.id}/rollback`, {});
      else if (r < 0.9) {
        const [live] = await sys.query(
          `SELECT id FROM runs WHERE project_id = $1 AND status NOT IN ('succeeded','failed','cancelled','superseded') ORDER BY random() LIMIT 1`,
          [p.id],
        );
        if (live) await command(sys, counts, `/api/v1/runs/${live.id}/cancel`, {});
      } else {
        const [failed] = await sys.query(
          `SELECT id FROM runs WHERE project_id = $1 AND status = 'failed' ORDER BY random() LIMIT 1`,
          [p.id],
        );
        if (failed) await command(sys, counts, `/api/v1/runs/${failed.id}/retry`, {});
      }
    } catch {
      // The gateway is down or paused right now: as for GitHub and users, the request is lost.
    }
    await sleep(400 + random() * 600);
  }
}

async function push(sys, project, counts, version) {
  const sha = await sys.commit(project.repo, { ...appFiles(project.app), VERSION: `${version}\n` }, version);
  counts.pushes++;
  try {
    await withTimeout(sys.sendPush(project.repo, sha, version), 5000);
  } catch {
    counts.undelivered++; // GitHub does not retry; the reconcile must find it
  }
}

async function command(sys, counts, route, body) {
  counts.commands++;
  await withTimeout(sys.api('POST', route, body), 5000);
}

/** One fault every ~3 s: kill or pause a service, close the broker's connections, drop NCP answers, slow git. */
async function faultLoop(sys, counts, faults, stopAt) {
  let brokerClosed = false;
  while (Date.now() < stopAt - 3000) {
    await sleep(2000 + random() * 2000);
    const r = random();
    const app = pick(SERVICES);
    counts.faults++;
    if (r < 0.3) {
      faults.push(`kill ${app}`);
      sys.children[app].kill('SIGKILL');
      await new Promise((resolve) => sys.children[app].once('exit', resolve));
      await sleep(300 + random() * 1500);
      await sys.relaunch(app);
    } else if (r < 0.55) {
      faults.push(`pause ${app}`);
      const child = sys.children[app];
      child.kill('SIGSTOP');
      await sleep(2000 + random() * 5000); // longer than the runner's lease (4 s) half the time
      child.kill('SIGCONT');
    } else if (r < 0.65 && !brokerClosed) {
      brokerClosed = true;
      faults.push('close broker connections');
      await closeBrokerConnections(sys.rabbitmqVhost);
    } else if (r < 0.85) {
      const party = random() < 0.5 ? 'sourcebuild' : 'sourcedeploy';
      faults.push(`drop ${party} start answer`);
      await sys.sandbox('POST', '/_sandbox/faults', {
        party,
        effect: 'drop-answer',
        method: 'POST',
        path: party === 'sourcebuild' ? '/build' : '/deploy',
      });
    } else {
      faults.push('slow git clone');
      await sys.sandbox('POST', '/_sandbox/faults', { party: 'github-git', effect: 'hold', delayMs: 3000 });
    }
  }
}

function closeBrokerConnections(vhost) {
  return new Promise((resolve) =>
    execFile('rabbitmqctl', ['close_all_connections', '--vhost', vhost, 'chaos'], () => resolve()),
  );
}

/** The faults stop: rules cleared, every service running and ready. */
async function heal(sys) {
  await sys.sandbox('DELETE', '/_sandbox/faults');
  for (const app of SERVICES) {
    const child = sys.children[app];
    if (child.exitCode !== null || child.signalCode !== null) await sys.relaunch(app);
    else child.kill('SIGCONT');
  }
}

/** Until nothing is left to do: no trigger pending, no run live, every outbox empty. */
async function quiesce(sys) {
  await until(
    async () => {
      const [row] = await sys.query(`
        SELECT (SELECT count(*) FROM runner_triggers WHERE status = 'pending')
             + (SELECT count(*) FROM runs WHERE status NOT IN ('succeeded','failed','cancelled','superseded'))
             + (SELECT count(*) FROM runner_outbox) + (SELECT count(*) FROM gateway_outbox)
             + (SELECT count(*) FROM provisioner_outbox) AS busy`);
      return Number(row.busy);
    },
    (busy) => busy === 0,
    { timeoutMs: 240_000, everyMs: 500, what: 'the system to settle' },
  ).catch(() => undefined); // what is still busy then is reported below
}

async function verify(sys, projects) {
  const problems = [];
  const runs = await sys.query(`SELECT * FROM runs`);
  const unfinished = runs.filter((r) => !TERMINAL.includes(r.status));
  for (const r of unfinished) problems.push(`run ${r.id} never ended (${r.status})`);

  // Every push delivery the gateway accepted was decided: a run, or a skip with its rule.
  const undecided = await sys.query(`
    SELECT d.delivery_id FROM webhook_deliveries d LEFT JOIN rm_deliveries o ON o.delivery_id = d.delivery_id
     WHERE d.event = 'push' AND d.status = 'accepted' AND (o.status IS NULL OR o.status = 'accepted')`);
  for (const d of undecided) problems.push(`delivery ${d.delivery_id} was accepted and never decided`);

  let doubleBuilds = 0;
  let untrackedBuilds = 0;
  let untrackedDeploys = 0;
  let orphansCancelled = 0;
  let wrongSource = 0;
  let converged = 0;
  const byBuild = new Map(runs.filter((r) => r.build_id).map((r) => [r.build_id, r]));
  const byDeploy = new Set(runs.filter((r) => r.deploy_history_id).map((r) => String(r.deploy_history_id)));
  const cluster = await sys.sandbox('GET', '/_sandbox/cluster');
  for (const p of projects) {
    const builds = (await sys.ncp('sourcebuild', 'GET', `/api/v1/project/${p.view.ncp.sourceBuildProjectId}/history`))
      .history;
    const succeeded = new Map();
    for (const b of builds) {
      const run = byBuild.get(b.buildId);
      if (!run && b.status === 'canceled') {
        orphansCancelled++; // started by a runner that had lost the run, and cancelled by it
        continue;
      }
      if (!run) {
        untrackedBuilds++;
        problems.push(`${p.name}: build ${b.buildId} (${b.status}) is recorded on no run`);
        continue;
      }
      if (b.status !== 'success') continue;
      const tag = run.tag;
      if (succeeded.has(tag)) {
        doubleBuilds++;
        problems.push(`${p.name}: ${tag} built twice (${succeeded.get(tag)} and ${b.buildId})`);
      }
      succeeded.set(tag, b.buildId);
      const facts = await sys.sandbox('GET', `/_sandbox/builds/${b.buildId}`);
      if (facts.sandbox.commit !== run.mirrored_commit || tag !== run.commit_sha.slice(0, 7)) {
        wrongSource++;
        problems.push(`${p.name}: build ${b.buildId} built ${facts.sandbox.commit} for run ${run.id} (${tag})`);
      }
    }
    const deploys = (
      await sys.ncp('sourcedeploy', 'GET', `/api/v1/project/${p.view.ncp.sourceDeployProjectId}/history?pageSize=100`)
    ).historyList;
    for (const h of deploys) {
      if (byDeploy.has(String(h.id))) continue;
      if (h.status === 'canceled') {
        orphansCancelled++;
        continue;
      }
      untrackedDeploys++;
      problems.push(`${p.name}: deploy ${h.id} (${h.status}) is recorded on no run`);
    }
    const [state] = await sys.query(`SELECT * FROM runner_projects WHERE project_id = $1`, [p.id]);
    const running = cluster.deployments.find((d) => d.namespace === p.view.namespace && d.name === p.app);
    const agree =
      state.deployed_commit_sha === state.desired_commit_sha &&
      state.deployed_replicas === state.desired_replicas &&
      running?.replicas === state.desired_replicas &&
      running?.containers?.[0]?.image?.endsWith(`:${state.desired_commit_sha?.slice(0, 7)}`);
    if (agree) converged++;
    else
      problems.push(
        `${p.name}: should run ${state.desired_commit_sha?.slice(0, 7)}×${state.desired_replicas}, runs ` +
          `${state.deployed_commit_sha?.slice(0, 7)}×${state.deployed_replicas} (cluster: ${running?.containers?.[0]?.image ?? 'nothing'}×${running?.replicas})`,
      );
  }
  return {
    runs: runs.length,
    lost: undecided.length,
    unfinished: unfinished.length,
    doubleBuilds,
    untrackedBuilds,
    untrackedDeploys,
    orphansCancelled,
    wrongSource,
    converged,
    problems,
  };
}

function summarise(faults) {
  const counts = new Map();
  for (const f of faults) counts.set(f, (counts.get(f) ?? 0) + 1);
  return [...counts].map(([f, n]) => `${n}× ${f}`).join(', ') || 'none';
}

function withTimeout(promise, ms) {
  return Promise.race([
    promise,
    sleep(ms).then(() => {
      throw new Error('timed out');
    }),
  ]);
}

main().catch(exitOnError);
