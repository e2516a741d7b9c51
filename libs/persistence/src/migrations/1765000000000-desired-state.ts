import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The runner converges on a desired state (docs/runner.md): each project gets one record of what
 * should run (commit, replicas, an optional pin) and of what runs now; triggers wait in an
 * ordered per-project queue (`runner_triggers`) until the GitHub lookups they need are done; runs
 * gain a per-project sequence, a lease separate from their next poll time, and what NCP showed
 * before a start was asked (so a start whose answer was lost is adopted by id, not by clock).
 * Project facts are ordered by the provisioner's revision instead of event timestamps.
 */
export class DesiredState1765000000000 implements MigrationInterface {
  name = 'DesiredState1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE runner_projects
        ADD COLUMN status_revision bigint NOT NULL DEFAULT 0,
        ADD COLUMN settings_revision bigint NOT NULL DEFAULT 0,
        ADD COLUMN desired_version bigint NOT NULL DEFAULT 0,
        ADD COLUMN desired_commit_sha text,
        ADD COLUMN desired_commit_message text,
        ADD COLUMN desired_replicas integer,
        ADD COLUMN pin jsonb,
        ADD COLUMN pinned_head text,
        ADD COLUMN branch_head text,
        ADD COLUMN branch_etag text,
        ADD COLUMN branch_checked_at timestamptz,
        ADD COLUMN next_run_seq bigint NOT NULL DEFAULT 0,
        ADD COLUMN deployed_commit_sha text,
        ADD COLUMN deployed_replicas integer,
        ADD COLUMN deployed_run_id uuid,
        ADD COLUMN deployed_seq bigint NOT NULL DEFAULT 0,
        ADD COLUMN trigger_lease_until timestamptz,
        ADD COLUMN trigger_lease_token uuid,
        ADD COLUMN registered_at timestamptz NOT NULL DEFAULT now(),
        ADD COLUMN pod_security text NOT NULL DEFAULT 'baseline'`);
    await q.query(`UPDATE runner_projects SET desired_replicas = COALESCE(replicas_scaled, replicas)`);
    await q.query(
      `ALTER TABLE runner_projects DROP COLUMN replicas_scaled, DROP COLUMN status_at, DROP COLUMN settings_at`,
    );

    // Unregistering waits for the runner to stop the project's runs before NCP resources go.
    await q.query(
      `ALTER TABLE projects ADD COLUMN revision bigint NOT NULL DEFAULT 0, ADD COLUMN unregister_request jsonb,
         ADD COLUMN runs_stopped_at timestamptz`,
    );
    await q.query(`
      ALTER TABLE rm_projects
        ADD COLUMN status_revision bigint NOT NULL DEFAULT 0,
        ADD COLUMN settings_revision bigint NOT NULL DEFAULT 0,
        ADD COLUMN desired_version bigint NOT NULL DEFAULT 0,
        ADD COLUMN desired jsonb`);
    await q.query(`ALTER TABLE rm_runs ADD COLUMN trigger_reason text`);

    await q.query(`
      ALTER TABLE runs
        ADD COLUMN desired_version bigint NOT NULL DEFAULT 0,
        ADD COLUMN seq bigint,
        ADD COLUMN trigger_reason text,
        ADD COLUMN lease_until timestamptz,
        ADD COLUMN lease_token uuid,
        ADD COLUMN builds_before jsonb,
        ADD COLUMN deploys_before bigint,
        ADD COLUMN last_error jsonb`);
    await q.query(`CREATE UNIQUE INDEX runs_project_seq ON runs (project_id, seq) WHERE seq IS NOT NULL`);
    // The installation's recent durations: a first build's poll schedule aims at them.
    await q.query(
      `CREATE INDEX runs_recent_durations ON runs (created_at DESC) WHERE build_ms IS NOT NULL OR deploy_ms IS NOT NULL`,
    );

    await q.query(`
      CREATE TABLE runner_triggers (
        seq bigserial PRIMARY KEY,
        project_id uuid NOT NULL,
        kind text NOT NULL CHECK (kind IN ('push', 'release', 'reconcile', 'manual', 'rollback', 'scale', 'retry', 'unpin', 'settings')),
        delivery_id text UNIQUE,
        run_id uuid UNIQUE,
        causation_id uuid,
        status text NOT NULL CHECK (status IN ('pending', 'applied', 'skipped')),
        input jsonb NOT NULL,
        rule text,
        reason text,
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        give_up_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        decided_at timestamptz
      )`);
    await q.query(`CREATE INDEX runner_triggers_pending ON runner_triggers (project_id, seq) WHERE status = 'pending'`);
    await q.query(
      `CREATE INDEX runner_triggers_merge_wait ON runner_triggers (project_id, (input->>'commitSha')) WHERE rule = 'merge-only'`,
    );
    await q.query(
      `COMMENT ON TABLE runner_triggers IS 'written by runner: what asked a project to change, applied in order'`,
    );

    await q.query(`
      CREATE TABLE runner_pending_cancels (
        run_id uuid PRIMARY KEY,
        requested_by text NOT NULL,
        requested_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `COMMENT ON TABLE runner_pending_cancels IS 'written by runner: cancels that arrived before their run'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE runner_pending_cancels`);
    await q.query(`DROP TABLE runner_triggers`);
    await q.query(`DROP INDEX runs_project_seq`);
    await q.query(`DROP INDEX runs_recent_durations`);
    await q.query(
      `ALTER TABLE projects DROP COLUMN revision, DROP COLUMN unregister_request, DROP COLUMN runs_stopped_at`,
    );
    await q.query(`ALTER TABLE rm_runs DROP COLUMN trigger_reason`);
    await q.query(`
      ALTER TABLE rm_projects DROP COLUMN status_revision, DROP COLUMN settings_revision, DROP COLUMN desired_version,
        DROP COLUMN desired`);
    await q.query(`
      ALTER TABLE runs DROP COLUMN desired_version, DROP COLUMN seq, DROP COLUMN trigger_reason, DROP COLUMN lease_until,
        DROP COLUMN lease_token, DROP COLUMN builds_before, DROP COLUMN deploys_before, DROP COLUMN last_error`);
    await q.query(`
      ALTER TABLE runner_projects ADD COLUMN replicas_scaled integer, ADD COLUMN status_at timestamptz NOT NULL DEFAULT now(),
        ADD COLUMN settings_at timestamptz NOT NULL DEFAULT now()`);
    await q.query(`
      ALTER TABLE runner_projects DROP COLUMN status_revision, DROP COLUMN settings_revision, DROP COLUMN desired_version,
        DROP COLUMN desired_commit_sha, DROP COLUMN desired_commit_message, DROP COLUMN desired_replicas, DROP COLUMN pin,
        DROP COLUMN pinned_head, DROP COLUMN branch_head, DROP COLUMN branch_etag, DROP COLUMN branch_checked_at,
        DROP COLUMN next_run_seq, DROP COLUMN deployed_commit_sha, DROP COLUMN deployed_replicas, DROP COLUMN deployed_run_id,
        DROP COLUMN deployed_seq, DROP COLUMN trigger_lease_until, DROP COLUMN trigger_lease_token, DROP COLUMN registered_at,
        DROP COLUMN pod_security`);
  }
}
