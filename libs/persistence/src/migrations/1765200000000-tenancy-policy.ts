import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tenancy (issue 13): the project setting `podSecurity` (the Pod Security Standards profile its
 * manifests are held to), in the provisioner's record and in the project view; which NCP
 * resources a project has started to create (it adopts an existing resource under its name only
 * then); and what an unregistration removed and left behind, in the project view.
 */
export class TenancyPolicy1765200000000 implements MigrationInterface {
  name = 'TenancyPolicy1765200000000';

  async up(q: QueryRunner): Promise<void> {
    for (const table of ['projects', 'rm_projects']) {
      await q.query(
        `ALTER TABLE ${table} ADD COLUMN pod_security text NOT NULL DEFAULT 'baseline'
           CHECK (pod_security IN ('baseline', 'restricted'))`,
      );
    }
    await q.query(`ALTER TABLE projects ADD COLUMN ncp_creating text[] NOT NULL DEFAULT '{}'`);
    await q.query(`ALTER TABLE rm_projects ADD COLUMN unregistration jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE rm_projects DROP COLUMN unregistration`);
    await q.query(`ALTER TABLE projects DROP COLUMN ncp_creating`);
    for (const table of ['projects', 'rm_projects']) await q.query(`ALTER TABLE ${table} DROP COLUMN pod_security`);
  }
}
