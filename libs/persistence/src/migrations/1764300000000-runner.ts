import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The runner: its copy of each project (from Project* events, so no call per push), the merge
 * commits of merged pull requests (for the merge-only rule), and runs as durable state machines
 * with their steps. Due work is found by `next_poll_at`.
 */
export class Runner1764300000000 implements MigrationInterface {
  name = 'Runner1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE runner_projects (
        project_id uuid PRIMARY KEY,
        github_repository_id bigint NOT NULL,
        owner text NOT NULL,
        repo text NOT NULL,
        installation_id bigint,
        status text NOT NULL,
        branch text NOT NULL,
        auto_deploy boolean NOT NULL,
        auto_deploy_reason text,
        merge_only boolean NOT NULL,
        paths jsonb NOT NULL DEFAULT '[]',
        replicas integer NOT NULL,
        replicas_scaled integer,
        container_port integer NOT NULL,
        namespace text,
        image_name text,
        sourcecommit_repository text,
        sourcebuild_project_id text,
        sourcedeploy_project_id text,
        sourcedeploy_stage_id text,
        sourcedeploy_scenario_id text,
        status_at timestamptz NOT NULL,
        settings_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX runner_projects_repository ON runner_projects (github_repository_id)`);
    await q.query(
      `COMMENT ON TABLE runner_projects IS 'written by runner: its copy of each project, from Project* events'`,
    );

    await q.query(`
      CREATE TABLE runner_merges (
        github_repository_id bigint NOT NULL,
        merge_commit_sha text NOT NULL,
        pull_request integer NOT NULL,
        base_ref text NOT NULL,
        merged_at timestamptz,
        PRIMARY KEY (github_repository_id, merge_commit_sha)
      )`);
    await q.query(`COMMENT ON TABLE runner_merges IS 'written by runner: merge commits of merged pull requests'`);

    await q.query(`
      CREATE TABLE runs (
        id uuid PRIMARY KEY,
        project_id uuid NOT NULL,
        status text NOT NULL CHECK (status IN ('queued', 'mirroring', 'building', 'deploying', 'succeeded', 'failed', 'cancelled', 'superseded')),
        reason text,
        failed_step text,
        trigger_type text NOT NULL,
        delivery_id text UNIQUE,
        ref text,
        commit_sha text,
        commit_message text,
        actor text,
        image text,
        tag text,
        replicas integer,
        retry_of uuid,
        rollback_of uuid,
        mirror_attempt integer NOT NULL DEFAULT 0,
        mirrored_commit text,
        build_requested_at timestamptz,
        build_id text,
        build_skipped boolean NOT NULL DEFAULT false,
        deploy_requested_at timestamptz,
        deploy_history_id text,
        cancel_requested boolean NOT NULL DEFAULT false,
        step_started_at timestamptz,
        step_deadline_at timestamptz,
        next_poll_at timestamptz,
        polls integer NOT NULL DEFAULT 0,
        build_ms integer,
        deploy_ms integer,
        version integer NOT NULL DEFAULT 0,
        requested_at timestamptz NOT NULL DEFAULT now(),
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz
      )`);
    await q.query(`CREATE INDEX runs_due ON runs (next_poll_at) WHERE next_poll_at IS NOT NULL`);
    await q.query(`CREATE INDEX runs_project ON runs (project_id, created_at DESC)`);
    await q.query(`COMMENT ON TABLE runs IS 'written by runner: one durable state machine per run'`);

    await q.query(`
      CREATE TABLE run_steps (
        run_id uuid NOT NULL REFERENCES runs (id),
        name text NOT NULL CHECK (name IN ('mirror', 'build', 'deploy')),
        status text NOT NULL,
        started_at timestamptz,
        finished_at timestamptz,
        error jsonb,
        failed_phase text,
        ncp jsonb,
        PRIMARY KEY (run_id, name)
      )`);
    await q.query(`COMMENT ON TABLE run_steps IS 'written by runner: the mirror, build and deploy steps of each run'`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['run_steps', 'runs', 'runner_merges', 'runner_projects']) await q.query(`DROP TABLE ${table}`);
  }
}
