import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { Client } from 'pg';

const run = promisify(execFile);

/** The shared servers of the development and CI machines (overridable for other setups). */
export const TEST_POSTGRES_URL = process.env.KLEPAAS_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEST_RABBITMQ_URL = process.env.KLEPAAS_TEST_RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

const PREFIX = 'klepaas_t_';
const STALE_AFTER_SECONDS = 3600;

export interface IsolatedInfra {
  /** Database URL of a fresh, empty database of this test file's own. */
  databaseUrl: string;
  /** AMQP URL of a fresh vhost of this test file's own. */
  rabbitmqUrl: string;
  databaseName: string;
  vhost: string;
  dispose(): Promise<void>;
}

/**
 * Gives a test file its own database and its own RabbitMQ vhost, so test runs never collide
 * with each other or with a running system. Names carry their creation time so a crashed
 * run's leftovers are swept by the next run.
 */
export async function createIsolatedInfra(): Promise<IsolatedInfra> {
  const name = `${PREFIX}${Math.floor(Date.now() / 1000)}_${randomBytes(4).toString('hex')}`;
  await withAdminClient((c) => c.query(`CREATE DATABASE ${name}`));
  await rabbitVhost('add', name);
  const databaseUrl = replaceDatabase(TEST_POSTGRES_URL, name);
  const rabbitmqUrl = `${TEST_RABBITMQ_URL.replace(/\/+$/, '')}/${encodeURIComponent(name)}`;
  return {
    databaseUrl,
    rabbitmqUrl,
    databaseName: name,
    vhost: name,
    dispose: async () => {
      await dropDatabase(name);
      await rabbitVhost('delete', name).catch(() => undefined);
    },
  };
}

/** Removes databases and vhosts left behind by runs that crashed more than an hour ago. */
export async function sweepStaleInfra(): Promise<void> {
  const cutoff = Math.floor(Date.now() / 1000) - STALE_AFTER_SECONDS;
  const isStale = (n: string) => n.startsWith(PREFIX) && Number(n.slice(PREFIX.length).split('_')[0]) < cutoff;
  const { rows } = await withAdminClient((c) =>
    c.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE '${PREFIX}%'`),
  );
  for (const row of rows.filter((r) => isStale(r.datname))) await dropDatabase(row.datname).catch(() => undefined);
  const vhosts = await rabbitctl(['list_vhosts', '--quiet', '--no-table-headers']).catch(() => '');
  for (const vhost of vhosts
    .split('\n')
    .map((v) => v.trim())
    .filter(isStale))
    await rabbitVhost('delete', vhost).catch(() => undefined);
}

export async function dropDatabase(name: string): Promise<void> {
  await withAdminClient((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

async function withAdminClient<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function replaceDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function rabbitVhost(action: 'add' | 'delete', vhost: string): Promise<void> {
  if (action === 'add') {
    await rabbitctl(['add_vhost', vhost]);
    await rabbitctl(['set_permissions', '-p', vhost, new URL(TEST_RABBITMQ_URL).username || 'guest', '.*', '.*', '.*']);
  } else {
    await rabbitctl(['delete_vhost', vhost]);
  }
}

async function rabbitctl(args: string[]): Promise<string> {
  const { stdout } = await run('rabbitmqctl', args, { timeout: 30_000 });
  return stdout;
}
