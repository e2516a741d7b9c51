#!/usr/bin/env node
// DORA figures for a project with 10 000 runs: the system started from dist (as `npm start` does
// in sandbox mode), one project's history written straight into history's read-model tables (a
// month of runs, one every ~4 minutes: pushes that deploy, some failing, some rolled back, scaling,
// failed builds), then GET /api/v1/projects/{id}/stats and /api/v1/stats timed, one request at a
// time, after a warm-up. Prints p50 and p99 of each.
//
//   node bench/stats [--runs 10000] [--requests 300]
const { randomUUID } = require('node:crypto');
const { withSystem, exitOnError } = require('../lib/system');
const { percentile, ms, table, parseArgs, loadAverage } = require('../lib/stats');

const args = parseArgs();
const RUNS = Number(args.runs ?? 10_000);
const REQUESTS = Number(args.requests ?? 300);
const DAYS = 30;

/**
 * One project's runs over the last 30 days, written in four statements (generate_series): run i
 * is a failed build when i % 10 = 0 (no deployment), scaling when i % 10 = 1, a rollback when
 * i % 40 = 5, a push whose deploy fails when i % 25 = 3, else a push that deploys; each push's
 * commit was made 5 to 65 minutes before its run.
 */
async function writeHistory(system, projectId, repositoryId) {
  const now = Date.now();
  await system.query(
    `INSERT INTO rm_projects (id, owner_id, owner, repo, github_repository_id, branch, status, auto_deploy, merge_only,
       replicas, container_port, created_at, updated_at)
     VALUES ($1, 'bench-user', 'sandbox-developer', 'stats-app', $2, 'main', 'ready', true, false, 1, 8080,
       now() - interval '40 days', now())`,
    [projectId, repositoryId],
  );
  const kinds = `CASE WHEN i % 10 = 0 THEN 'build-failed' WHEN i % 10 = 1 THEN 'scale' WHEN i % 40 = 5 THEN 'rollback'
    WHEN i % 25 = 3 THEN 'deploy-failed' ELSE 'push' END`;
  const series = `SELECT i, ${kinds} AS kind,
      to_timestamp(($1::bigint - ($2::bigint - i) * $3::bigint) / 1000.0) AS at,
      lpad(to_hex(i), 40, '0') AS sha
    FROM generate_series(1, $2::int) AS i`;
  const series3 = [now, RUNS, Math.floor((DAYS * 86_400_000) / RUNS)];
  const params = [...series3, projectId];
  await system.query(
    `INSERT INTO rm_runs (id, project_id, status, failed_step, trigger_type, commit_sha, ref, image, replicas, created_at,
       finished_at, status_at)
     SELECT md5($4 || i)::uuid, $4::uuid, CASE WHEN kind IN ('build-failed', 'deploy-failed') THEN 'failed' ELSE 'succeeded' END,
       CASE kind WHEN 'build-failed' THEN 'build' WHEN 'deploy-failed' THEN 'deploy' END,
       CASE WHEN kind IN ('scale', 'rollback') THEN kind ELSE 'push' END, sha, 'refs/heads/main',
       'registry/stats-app:' || left(sha, 7), 1, at, at + interval '3 minutes', at + interval '3 minutes'
     FROM (${series}) s`,
    params,
  );
  await system.query(
    `INSERT INTO rm_deployments (id, project_id, run_id, commit_sha, image, replicas, status, trigger, is_rollback,
       started_at, finished_at, status_at)
     SELECT md5($4 || i)::uuid, $4::uuid, md5($4 || i)::uuid, sha, 'registry/stats-app:' || left(sha, 7), 1,
       CASE kind WHEN 'deploy-failed' THEN 'failed' ELSE 'succeeded' END,
       jsonb_build_object('type', CASE WHEN kind IN ('scale', 'rollback') THEN kind ELSE 'push' END, 'commitSha', sha),
       kind = 'rollback', at + interval '2 minutes', at + interval '3 minutes', at + interval '3 minutes'
     FROM (${series}) s WHERE kind <> 'build-failed'`,
    params,
  );
  await system.query(
    `INSERT INTO rm_commits (repository_id, sha, committed_at)
     SELECT $4, sha, at - (5 + i % 60) * interval '1 minute' FROM (${series}) s WHERE kind IN ('push', 'deploy-failed', 'build-failed')`,
    [...series3, repositoryId],
  );
  await system.query('ANALYZE');
}

async function time(url, token) {
  const started = process.hrtime.bigint();
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  const body = await res.json();
  if (res.status !== 200) throw new Error(`${url}: ${res.status} ${JSON.stringify(body)}`);
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, body };
}

withSystem({ name: 'stats' }, async (system) => {
  const projectId = randomUUID();
  const writing = Date.now();
  await writeHistory(system, projectId, 777_000_001);
  const [{ runs, deployments }] = await system.query(
    `SELECT (SELECT count(*) FROM rm_runs WHERE project_id = $1)::int AS runs,
            (SELECT count(*) FROM rm_deployments WHERE project_id = $1)::int AS deployments`,
    [projectId],
  );
  console.log(
    `stats, load average ${loadAverage()}: one project with ${runs.toLocaleString('en')} runs ` +
      `(${deployments.toLocaleString('en')} deployments) over ${DAYS} days, written in ${Date.now() - writing} ms; ` +
      `${REQUESTS} requests each, one at a time, after 20 to warm up\n`,
  );
  const routes = [
    [
      `GET /api/v1/projects/{id}/stats?window=30d`,
      `${system.gatewayUrl}/api/v1/projects/${projectId}/stats?window=30d`,
    ],
    [`GET /api/v1/projects/{id}/stats?window=7d`, `${system.gatewayUrl}/api/v1/projects/${projectId}/stats?window=7d`],
    [`GET /api/v1/stats?window=90d`, `${system.gatewayUrl}/api/v1/stats?window=90d`],
  ];
  const rows = [['route', 'p50', 'p99', 'max']];
  let sample;
  for (const [name, url] of routes) {
    for (let i = 0; i < 20; i++) await time(url, system.token);
    const times = [];
    for (let i = 0; i < REQUESTS; i++) {
      const { ms: spent, body } = await time(url, system.token);
      times.push(spent);
      sample ??= body;
    }
    rows.push([name, ms(percentile(times, 50)), ms(percentile(times, 99)), ms(Math.max(...times))]);
  }
  console.log(table(rows));
  console.log(`\nthe 30-day figures: ${JSON.stringify(sample)}`);
}).catch(exitOnError);
