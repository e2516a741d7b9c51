#!/usr/bin/env node
// `npm test`: unit and integration tests (`npm run test:cluster`: the cluster tier).
// Integration tests use the machine's PostgreSQL and RabbitMQ (each test file in its own
// database and vhost) and the built apps (for the tests that kill a process), so this checks
// both first. Extra arguments go to jest.
const { spawnSync } = require('node:child_process');
const { ROOT, requireInfrastructure, buildIfStale } = require('./lib');

(async () => {
  await requireInfrastructure(
    process.env.KLEPAAS_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    process.env.KLEPAAS_TEST_RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
  );
  buildIfStale();
  const jest = require.resolve('jest/bin/jest');
  const args = process.argv.slice(2);
  // Unit and integration unless told which projects; the cluster tier (npm run test:cluster)
  // only when one of its files is named. Last, as jest reads the project names up to the next flag.
  if (!args.some((a) => a.startsWith('--selectProjects'))) {
    const cluster = args.some((a) => a.includes('test/cluster')) ? ['cluster'] : [];
    args.push('--selectProjects', 'unit', 'integration', ...cluster);
  }
  // Integration files mostly wait (on polls, deadlines, child processes), so three run at once
  // even on two cores: the suite took two thirds of its serial time this way (826 s vs 1 296 s). The cluster tier
  // shares one RabbitMQ cluster between its files, so it runs them one at a time.
  if (!args.some((a) => a.startsWith('--maxWorkers') || a === '-w' || a === '--runInBand' || a === '-i')) {
    args.unshift(args.includes('cluster') ? '--runInBand' : `--maxWorkers=${process.env.KLEPAAS_TEST_WORKERS ?? 3}`);
  }
  const result = spawnSync(process.execPath, [jest, ...args], { cwd: ROOT, stdio: 'inherit' });
  process.exit(result.status ?? 1);
})();
