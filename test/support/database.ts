import { Client } from 'pg';

/** One query against a test database, on a short-lived connection of the test's own. */
export async function query<T = any>(databaseUrl: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows;
  } finally {
    await client.end();
  }
}

export async function count(databaseUrl: string, sql: string, params: unknown[] = []): Promise<number> {
  const [row] = await query<{ n: string }>(databaseUrl, sql, params);
  return Number(row.n);
}
