// A database and a vhost of the benchmark's own, like the tests', removed afterwards.
const { execFileSync } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const { Client } = require('pg');

const ADMIN_URL = process.env.KLEPAAS_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const AMQP_URL = process.env.KLEPAAS_TEST_RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

async function admin(sql) {
  const client = new Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

async function createBenchInfra() {
  const name = `klepaas_t_${Math.floor(Date.now() / 1000)}_bench${randomBytes(3).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  execFileSync('rabbitmqctl', ['add_vhost', name], { stdio: 'ignore' });
  execFileSync('rabbitmqctl', ['set_permissions', '-p', name, 'guest', '.*', '.*', '.*'], { stdio: 'ignore' });
  const db = new URL(ADMIN_URL);
  db.pathname = `/${name}`;
  return {
    databaseUrl: db.toString(),
    rabbitmqUrl: `${AMQP_URL}/${name}`,
    async dispose() {
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
      try {
        execFileSync('rabbitmqctl', ['delete_vhost', name], { stdio: 'ignore' });
      } catch {
        /* best effort */
      }
    },
  };
}

module.exports = { createBenchInfra };
