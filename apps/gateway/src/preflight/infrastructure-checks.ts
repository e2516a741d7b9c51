import { connect } from 'amqplib';
import { Client } from 'pg';
import type { KlepaasConfig } from '@klepaas/config';
import { CheckResult, fail, ok, reason, where } from './check-result';

const TIMEOUT_MS = 5_000;

/** PostgreSQL: log in and run one query. */
export async function checkDatabase(config: KlepaasConfig): Promise<CheckResult> {
  const client = new Client({
    connectionString: config.databaseUrl,
    connectionTimeoutMillis: TIMEOUT_MS,
    query_timeout: TIMEOUT_MS,
  });
  try {
    await client.connect();
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    return ok('database', `PostgreSQL ${rows[0]?.server_version ?? '?'} at ${where(config.databaseUrl)}`);
  } catch (error) {
    return fail(
      'database',
      `${where(config.databaseUrl)}: ${reason(error)}`,
      'check KLEPAAS_DATABASE_URL (host, port, user, password, database name) and that this machine may reach PostgreSQL',
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** RabbitMQ: open (and close) a connection to every node listed. */
export async function checkBroker(config: KlepaasConfig): Promise<CheckResult> {
  const reached: string[] = [];
  for (const url of config.rabbitmqUrls) {
    try {
      const connection = await connect(url, { timeout: TIMEOUT_MS });
      await connection.close();
      reached.push(where(url));
    } catch (error) {
      return fail(
        'broker',
        `${where(url)}: ${reason(error)}`,
        'check KLEPAAS_RABBITMQ_URL (every node, user, password, vhost) and that this machine may reach RabbitMQ on 5672',
      );
    }
  }
  return ok('broker', `RabbitMQ at ${reached.join(', ')}`);
}
