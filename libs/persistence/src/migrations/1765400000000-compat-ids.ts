import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Numeric aliases for the original dashboard (docs/compat.md): it `parseInt`s the ids of
 * repositories and deployments, and ours are UUIDs. Each alias is drawn at random (so it reveals
 * neither how many projects or runs exist nor their order), kept for good once given out, and
 * unique (a collision is drawn again, never shared). A hash of the UUID would not do: 53 bits
 * cannot hold 122 without collisions, and a collision would make one id name two things.
 */
export class CompatIds1765400000000 implements MigrationInterface {
  name = 'CompatIds1765400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE compat_numeric_ids (
        uuid uuid PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('project', 'run')),
        numeric_id bigint NOT NULL UNIQUE CHECK (numeric_id BETWEEN 1 AND 9007199254740991),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `COMMENT ON TABLE compat_numeric_ids IS 'written by gateway: the dashboard''s integer alias of a project or run id, stable once given out'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE compat_numeric_ids`);
  }
}
