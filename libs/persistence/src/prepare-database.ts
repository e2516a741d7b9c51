import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from './migrations';

/** Any constant works, as long as every service uses the same one. */
const MIGRATION_LOCK_KEY = 4_171_025_301;

/** Where progress is reported (the app's pino logger; the console when none is given). */
export interface ProgressLog {
  info(message: string): void;
  warn(message: string): void;
}
const consoleLog: ProgressLog = { info: (m) => console.log(m), warn: (m) => console.warn(m) };

/**
 * Run before a service takes work: create the database if the server allows it, then apply
 * every migration under an advisory lock, so several services starting at once take turns.
 */
export async function prepareDatabase(
  databaseUrl: string,
  options: { waitMs?: number; log?: ProgressLog } = {},
): Promise<void> {
  const log = options.log ?? consoleLog;
  await waitForServer(databaseUrl, options.waitMs ?? 60_000, log);
  await ensureDatabaseExists(databaseUrl, log);
  await migrate(databaseUrl, log);
}

async function waitForServer(databaseUrl: string, waitMs: number, log: ProgressLog): Promise<void> {
  const deadline = Date.now() + waitMs;
  for (let attempt = 1; ; attempt++) {
    const client = new Client({ connectionString: maintenanceUrl(databaseUrl), connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      return;
    } catch (error) {
      if (Date.now() > deadline)
        throw new Error(`PostgreSQL did not answer at ${safeUrl(databaseUrl)}: ${message(error)}`, { cause: error });
      log.warn(`waiting for PostgreSQL at ${safeUrl(databaseUrl)} (attempt ${attempt}): ${message(error)}`);
      await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 250 * 2 ** attempt)));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

export async function ensureDatabaseExists(databaseUrl: string, log: ProgressLog = consoleLog): Promise<void> {
  const name = decodeURIComponent(new URL(databaseUrl).pathname.slice(1));
  const client = new Client({ connectionString: maintenanceUrl(databaseUrl) });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return;
    await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    log.info(`created database ${name}`);
  } catch (error) {
    // Another service created it a moment ago: 42P04, or 23505 when both inserted at once.
    const code = (error as { code?: string }).code;
    if (code !== '42P04' && code !== '23505')
      throw new Error(`cannot create database ${name}: ${message(error)}`, { cause: error });
  } finally {
    await client.end();
  }
}

async function migrate(databaseUrl: string, log: ProgressLog): Promise<void> {
  const dataSource = new DataSource({ type: 'postgres', url: databaseUrl, migrations: MIGRATIONS, logging: false });
  await dataSource.initialize();
  const lock = dataSource.createQueryRunner();
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    for (const m of applied) log.info(`applied migration ${m.name}`);
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await lock.release();
    await dataSource.destroy();
  }
}

/** The server's `postgres` database, for checks that must not need the target database. */
function maintenanceUrl(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  url.pathname = '/postgres';
  return url.toString();
}

export function safeUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '(unparseable url)';
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
