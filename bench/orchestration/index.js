#!/usr/bin/env node
// Orchestration overhead: what the system adds between GitHub's webhook and NCP, with the
// sandbox's builds and deploys taking no time at all. N projects get a push at the same moment;
// per run it measures webhook accepted (the 202) → build requested (runs.build_requested_at:
// the mirror into SourceCommit included) and → run succeeded (runs.finished_at). The floor, in
// the same run: plain `git` doing the same clone, edit of the image line, commit and push from
// the sandbox's GitHub to a fresh SourceCommit repository.
//
//   npm run build && node bench/orchestration [--projects 20] [--solo 5]
//
// Two batches are measured: the first deploy of every project (cold: the mirror has no copy of
// the repository yet) and the next one (warm: what every later deploy costs). `--solo` pushes
// one project at a time, to separate the system's own latency from queueing under the batch.
const { withSystem, exitOnError, inBatches, appFiles, SERVICES } = require('../lib/system');
const { plainGitDeploys } = require('../lib/git-floor');
const { percentile, ms, table, parseArgs, loadAverage } = require('../lib/stats');

const args = parseArgs();
const PROJECTS = Number(args.projects ?? 20);
const SOLO = Number(args.solo ?? 5);

async function main() {
  console.log(
    `orchestration: ${PROJECTS} projects, builds and deploys of 0 ms in the sandbox; ${new Date().toISOString()}; load average ${loadAverage()}`,
  );
  await withSystem({ name: 'orchestration' }, async (sys) => {
    await sys.sandbox('PUT', '/_sandbox/timings', { buildMs: 0, deployMs: 0 });
    const setupStarted = Date.now();
    const projects = await sys.readyProjects(PROJECTS);
    console.log(`${PROJECTS} projects registered and ready in ${ms(Date.now() - setupStarted)}\n`);

    const rss = { idle: snapshotRss(sys) };
    const cold = await batch(sys, projects, 'v1');
    rss.cold = cold.peakRss;
    const warm = await batch(sys, projects, 'v2');
    rss.warm = warm.peakRss;
    const solo = [];
    const soloMirrorMs = [];
    for (let i = 0; i < SOLO; i++) {
      const one = await batch(sys, [projects[i % projects.length]], `solo${i}`);
      solo.push(...one.runs);
      soloMirrorMs.push(one.mirrorJobMs);
    }

    const floorAtOnce = await floor(sys, projects, 'n', true);
    const floorAlone = await floor(sys, projects.slice(0, Math.max(SOLO, 1)), 's', false);

    const row = (label, values) => [label, ms(percentile(values, 50)), ms(percentile(values, 99)), values.length];
    const pick = (runs, key) => runs.map((r) => r[key]);
    console.log(
      table([
        ['per run (ms from the 202 unless said)', 'p50', 'p99', 'n'],
        row(`${PROJECTS} at once, first deploy: → build requested`, pick(cold.runs, 'toBuild')),
        row(`${PROJECTS} at once, first deploy: → run succeeded`, pick(cold.runs, 'toDone')),
        row(`${PROJECTS} at once, next deploy:  → build requested`, pick(warm.runs, 'toBuild')),
        row(`${PROJECTS} at once, next deploy:  → run succeeded`, pick(warm.runs, 'toDone')),
        row(`one at a time, next deploy: → build requested`, pick(solo, 'toBuild')),
        row(`one at a time, next deploy: → run succeeded`, pick(solo, 'toDone')),
        row(`floor: plain git clone+edit+commit+push, ${PROJECTS} at once`, floorAtOnce),
        row(`floor: plain git clone+edit+commit+push, one at a time`, floorAlone),
      ]),
    );
    console.log(
      `\nruns per second: first deploy ${cold.perSecond.toFixed(2)}/s, next deploy ${warm.perSecond.toFixed(2)}/s ` +
        `(${PROJECTS} runs, first POST to last run succeeded)`,
    );
    const ratio = (a, b) => (percentile(a, 50) / percentile(b, 50)).toFixed(2);
    console.log(
      `orchestration p50 (→ build requested) / floor p50: next deploy at once ${ratio(pick(warm.runs, 'toBuild'), floorAtOnce)}×, ` +
        `first deploy at once ${ratio(pick(cold.runs, 'toBuild'), floorAtOnce)}×, one at a time ${ratio(pick(solo, 'toBuild'), floorAlone)}× (target: within 2×)\n`,
    );

    console.log('where the time goes, p50 / p99 per phase (ms):');
    const phases = [
      ['POST sent → 202', 'accept'],
      ['202 → run queued (runs.created_at)', 'queue'],
      ['queued → mirror requested (runs.started_at)', 'start'],
      ['mirror requested → MirrorCompleted', 'mirror'],
      ['MirrorCompleted → build requested', 'toBuildStep'],
      ['build requested → BuildStarted (build id stored)', 'buildCall'],
      ['BuildStarted → BuildSucceeded (0 ms build)', 'buildWait'],
      ['BuildSucceeded → DeployStarted', 'deployCall'],
      ['DeployStarted → run succeeded (0 ms deploy)', 'deployWait'],
    ];
    const both = (runs, key) => `${ms(percentile(pick(runs, key), 50))} / ${ms(percentile(pick(runs, key), 99))}`;
    console.log(
      table([
        ['phase', 'first deploy', 'next deploy', 'one at a time'],
        ...phases.map(([label, key]) => [label, both(cold.runs, key), both(warm.runs, key), both(solo, key)]),
      ]),
    );

    console.log(
      `mirror job alone (the mirror's klepaas_mirror_job_seconds, mean): first deploy ${ms(cold.mirrorJobMs)}, ` +
        `next deploy ${ms(warm.mirrorJobMs)}, one at a time ${ms(soloMirrorMs.reduce((a, b) => a + b, 0) / soloMirrorMs.length)}; ` +
        `the rest of "mirror requested → MirrorCompleted" is the relay, the broker and the consumer`,
    );

    console.log('\nRSS per process (MB): idle after setup, peak during each batch');
    console.log(
      table([
        ['process', 'idle', `peak, ${PROJECTS} first deploys`, `peak, ${PROJECTS} next deploys`],
        ...[...SERVICES, 'sandbox'].map((app) => [
          app === 'sandbox' ? 'sandbox (not a service)' : app,
          mb(rss.idle[app]),
          mb(rss.cold[app]),
          mb(rss.warm[app]),
        ]),
      ]),
    );
    const failed = [...cold.runs, ...warm.runs, ...solo].filter((r) => r.status !== 'succeeded');
    if (failed.length) {
      console.log(`\n${failed.length} runs did not succeed:`);
      for (const r of failed) console.log(`  ${r.id} ${r.status}: ${r.reason}`);
      process.exitCode = 1;
    }
  });
}

/** One push to each project at the same moment; per-run figures once every run has ended. */
async function batch(sys, projects, label) {
  const shas = new Map();
  await inBatches(projects, 4, async (p) => {
    const files = { ...appFiles(p.app), 'src/index.js': `console.log('hello from ${p.app}, ${label}');\n` };
    shas.set(p.name, await sys.commit(p.repo, files, `change ${label}`));
  });
  const mirrorJobs = await sys.histogram('mirror', 'klepaas_mirror_job_seconds');
  for (const child of Object.values(sys.children)) child.resetPeak();
  const sent = await Promise.all(projects.map((p) => sys.sendPush(p.repo, shas.get(p.name), `change ${label}`)));
  const runs = await sys.untilRunsEnd(sent.map((s) => s.deliveryId));
  const peakRss = Object.fromEntries(Object.entries(sys.children).map(([app, c]) => [app, c.peakRssKb]));
  const timelines = await sys.timelines(runs.map((r) => r.id));
  const mirrorAfter = await sys.histogram('mirror', 'klepaas_mirror_job_seconds');
  const mirrorJobMs = ((mirrorAfter.sum - mirrorJobs.sum) * 1000) / (mirrorAfter.count - mirrorJobs.count);
  const byDelivery = new Map(runs.map((r) => [r.delivery_id, r]));
  const t = (date) => (date ? date.getTime() : NaN);
  const figures = sent.map((s) => {
    const run = byDelivery.get(s.deliveryId);
    const events = timelines.get(run.id);
    const at = (type) => events[type]?.at ?? NaN;
    return {
      id: run.id,
      status: run.status,
      reason: run.reason,
      sentAt: s.sentAt,
      finishedAt: t(run.finished_at),
      toBuild: t(run.build_requested_at) - s.acceptedAt,
      toDone: t(run.finished_at) - s.acceptedAt,
      accept: s.acceptedAt - s.sentAt,
      queue: t(run.created_at) - s.acceptedAt,
      start: t(run.started_at) - t(run.created_at),
      mirror: at('MirrorCompleted') - t(run.started_at),
      toBuildStep: t(run.build_requested_at) - at('MirrorCompleted'),
      buildCall: at('BuildStarted') - t(run.build_requested_at),
      buildWait: at('BuildSucceeded') - at('BuildStarted'),
      deployCall: at('DeployStarted') - at('BuildSucceeded'),
      deployWait: t(run.finished_at) - at('DeployStarted'),
    };
  });
  const first = Math.min(...figures.map((f) => f.sentAt));
  const last = Math.max(...figures.map((f) => f.finishedAt));
  return { runs: figures, perSecond: figures.length / ((last - first) / 1000), peakRss, mirrorJobMs };
}

/**
 * The floor: per project, `git clone` of its GitHub repository, the image line of
 * k8s/deployment.yaml changed, `git commit -a`, `git push` to a fresh SourceCommit repository's
 * deploy branch. Timed from the clone to the end of the push; the repositories are made first.
 */
/** Plain git's time per project: all at once, or one after another. */
function floor(sys, projects, label, atOnce) {
  return plainGitDeploys(sys, projects, label, atOnce ? projects.length : 1);
}

function snapshotRss(sys) {
  return Object.fromEntries(Object.entries(sys.children).map(([app, c]) => [app, c.rssKb()]));
}

const mb = (kb) => (kb ? (kb / 1024).toFixed(0) : '-');

main().catch(exitOnError);
