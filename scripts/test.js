#!/usr/bin/env node
// `npm test`: unit and integration tests. Integration tests use the machine's PostgreSQL and
// RabbitMQ (each test file in its own database and vhost) and the built apps (for the tests
// that kill a process), so this checks both first. Extra arguments go to jest.
const { spawnSync } = require('node:child_process');
const { ROOT, requireInfrastructure, buildIfStale } = require('./lib');

(async () => {
  await requireInfrastructure(
    process.env.KLEPAAS_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    process.env.KLEPAAS_TEST_RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
  );
  buildIfStale();
  const jest = require.resolve('jest/bin/jest');
  const result = spawnSync(process.execPath, [jest, ...process.argv.slice(2)], { cwd: ROOT, stdio: 'inherit' });
  process.exit(result.status ?? 1);
})();
