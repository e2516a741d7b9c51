import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Registration: the gateway's claims (one project per GitHub repository), the provisioner's
 * projects (the integration record, with every NCP name and id), and an ordering guard on the
 * project view.
 */
export class Projects1764100000000 implements MigrationInterface {
  name = 'Projects1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE repository_claims (
        github_repository_id bigint PRIMARY KEY,
        project_id uuid NOT NULL UNIQUE,
        owner_id text NOT NULL,
        owner text NOT NULL,
        repo text NOT NULL,
        installation_id bigint,
        settings jsonb NOT NULL,
        released boolean NOT NULL DEFAULT false,
        claimed_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX repository_claims_owner ON repository_claims (owner_id, claimed_at DESC)`);
    await q.query(
      `COMMENT ON TABLE repository_claims IS 'written by gateway: which user registered which GitHub repository (decision 2)'`,
    );

    await q.query(`
      CREATE TABLE projects (
        id uuid PRIMARY KEY,
        owner_id text NOT NULL,
        owner text NOT NULL,
        repo text NOT NULL,
        github_repository_id bigint NOT NULL,
        installation_id bigint,
        branch text NOT NULL,
        auto_deploy boolean NOT NULL,
        auto_deploy_reason text,
        merge_only boolean NOT NULL,
        paths jsonb NOT NULL,
        replicas integer NOT NULL,
        container_port integer NOT NULL,
        status text NOT NULL CHECK (status IN ('provisioning', 'ready', 'failed', 'deleting', 'deleted')),
        failed_step text,
        error jsonb,
        namespace text NOT NULL,
        image_name text NOT NULL,
        sourcecommit_repository text NOT NULL,
        sourcebuild_project_name text NOT NULL,
        sourcedeploy_project_name text NOT NULL,
        sourcepipeline_name text NOT NULL,
        sourcecommit_repository_id text,
        sourcebuild_project_id text,
        sourcedeploy_project_id text,
        sourcedeploy_stage_id text,
        sourcedeploy_scenario_id text,
        sourcepipeline_id text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Two live projects never share an NCP name (decision 8); a deleted one frees its names.
    for (const column of [
      'github_repository_id',
      'namespace',
      'image_name',
      'sourcecommit_repository',
      'sourcebuild_project_name',
      'sourcedeploy_project_name',
      'sourcepipeline_name',
    ]) {
      await q.query(`CREATE UNIQUE INDEX projects_live_${column} ON projects (${column}) WHERE status <> 'deleted'`);
    }
    await q.query(`COMMENT ON TABLE projects IS 'written by provisioner: the integration record of each project'`);

    await q.query(`ALTER TABLE rm_projects ADD COLUMN status_at timestamptz NOT NULL DEFAULT 'epoch'`);
    await q.query(`ALTER TABLE rm_projects ADD COLUMN settings_at timestamptz NOT NULL DEFAULT 'epoch'`);
    await q.query(`ALTER TABLE rm_projects ADD COLUMN auto_deploy_reason text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE rm_projects DROP COLUMN auto_deploy_reason`);
    await q.query(`ALTER TABLE rm_projects DROP COLUMN settings_at`);
    await q.query(`ALTER TABLE rm_projects DROP COLUMN status_at`);
    await q.query(`DROP TABLE projects`);
    await q.query(`DROP TABLE repository_claims`);
  }
}
