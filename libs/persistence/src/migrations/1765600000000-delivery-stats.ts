import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the DORA figures need beyond runs and deployments: when each pushed commit was made (from
 * the push payload's commit timestamps), so lead time runs from the commit to the deploy that
 * shipped it. Keyed by repository, not project: a push names the repository, and the project is
 * found through `rm_projects.github_repository_id` when the figures are read.
 */
export class DeliveryStats1765600000000 implements MigrationInterface {
  name = 'DeliveryStats1765600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE rm_commits (
        repository_id bigint NOT NULL,
        sha text NOT NULL,
        committed_at timestamptz NOT NULL,
        PRIMARY KEY (repository_id, sha)
      )`);
    await q.query(
      `COMMENT ON TABLE rm_commits IS 'written by history: when each pushed commit was made (the push payload''s timestamp)'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE rm_commits`);
  }
}
