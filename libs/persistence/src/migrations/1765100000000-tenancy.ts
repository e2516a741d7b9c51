import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Many tenants (issue 13): who registered a repository as which GitHub account, each project's
 * own webhook secret (encrypted), takeovers of a repository by its GitHub admin, and deliveries
 * that remember the owner they belonged to when they arrived and why one was rejected.
 */
export class Tenancy1765100000000 implements MigrationInterface {
  name = 'Tenancy1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE repository_claims
        ADD COLUMN github_user_id bigint,
        ADD COLUMN github_login text,
        ADD COLUMN webhook_secret text`);
    await q.query(`COMMENT ON COLUMN repository_claims.webhook_secret IS
      'the project''s repository hook secret, AES-256-GCM under KLEPAAS_WEBHOOK_SECRET_KEY (never in clear)'`);

    await q.query(`
      CREATE TABLE repository_takeovers (
        id bigserial PRIMARY KEY,
        github_repository_id bigint NOT NULL,
        owner text NOT NULL,
        repo text NOT NULL,
        previous_project_id uuid NOT NULL UNIQUE,
        previous_owner_id text NOT NULL,
        project_id uuid NOT NULL,
        owner_id text NOT NULL,
        github_user_id bigint NOT NULL,
        github_login text NOT NULL,
        taken_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX repository_takeovers_taken_at ON repository_takeovers (taken_at DESC, id DESC)`);
    await q.query(
      `COMMENT ON TABLE repository_takeovers IS 'written by gateway: a repository claimed again by a GitHub admin of it, from another user'`,
    );

    await q.query(`
      ALTER TABLE webhook_deliveries
        ADD COLUMN owner_id text,
        ADD COLUMN project_id uuid,
        ADD COLUMN reason text`);
    await q.query(`ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_status_check`);
    await q.query(`ALTER TABLE webhook_deliveries ADD CONSTRAINT webhook_deliveries_status_check
      CHECK (status IN ('accepted', 'ignored', 'rejected'))`);
    // Deliveries stored before this knew no owner: the repository's current claim is the best guess.
    await q.query(`
      UPDATE webhook_deliveries d SET owner_id = c.owner_id, project_id = c.project_id
        FROM repository_claims c WHERE c.github_repository_id = d.repository_id AND NOT c.released`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM webhook_deliveries WHERE status = 'rejected'`);
    await q.query(`ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_status_check`);
    await q.query(
      `ALTER TABLE webhook_deliveries ADD CONSTRAINT webhook_deliveries_status_check CHECK (status IN ('accepted', 'ignored'))`,
    );
    await q.query(`ALTER TABLE webhook_deliveries DROP COLUMN owner_id, DROP COLUMN project_id, DROP COLUMN reason`);
    await q.query(`DROP TABLE repository_takeovers`);
    await q.query(
      `ALTER TABLE repository_claims DROP COLUMN github_user_id, DROP COLUMN github_login, DROP COLUMN webhook_secret`,
    );
  }
}
