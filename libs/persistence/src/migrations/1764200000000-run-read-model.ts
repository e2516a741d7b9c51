import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Runs as dashboards read them: history's runs, steps and deployments (projected from the run
 * events), and the gateway's record of the run commands it accepted, so a GET right after the
 * 202 shows the run `queued` before history has seen it (decision 1). Each table has exactly one
 * writing service (named in its comment).
 */
export class RunReadModel1764200000000 implements MigrationInterface {
  name = 'RunReadModel1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE rm_runs (
        id uuid PRIMARY KEY,
        project_id uuid NOT NULL,
        status text NOT NULL CHECK (status IN ('queued', 'mirroring', 'building', 'deploying',
          'succeeded', 'failed', 'cancelled', 'superseded')),
        reason text,
        failed_step text,
        trigger_type text NOT NULL,
        delivery_id text,
        commit_sha text,
        ref text,
        actor text,
        image text,
        replicas integer,
        commit_message text,
        retry_of uuid,
        rollback_of uuid,
        created_at timestamptz NOT NULL,
        finished_at timestamptz,
        status_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX rm_runs_project ON rm_runs (project_id, created_at DESC, id DESC)`);
    await q.query(`COMMENT ON TABLE rm_runs IS 'written by history: every run, from RunQueued to RunCompleted'`);

    await q.query(`
      CREATE TABLE rm_run_steps (
        run_id uuid NOT NULL REFERENCES rm_runs (id),
        name text NOT NULL CHECK (name IN ('mirror', 'build', 'deploy')),
        status text NOT NULL CHECK (status IN ('pending', 'running', 'succeeded', 'failed', 'cancelled', 'skipped')),
        started_at timestamptz,
        finished_at timestamptz,
        error jsonb,
        failed_phase text,
        ncp jsonb,
        updated_at timestamptz NOT NULL,
        PRIMARY KEY (run_id, name)
      )`);
    await q.query(
      `COMMENT ON TABLE rm_run_steps IS 'written by history: the mirror, build and deploy steps of each run'`,
    );

    await q.query(`
      CREATE TABLE rm_deployments (
        id uuid PRIMARY KEY,
        project_id uuid NOT NULL,
        run_id uuid NOT NULL REFERENCES rm_runs (id),
        commit_sha text,
        commit_message text,
        image text NOT NULL,
        replicas integer NOT NULL,
        status text NOT NULL CHECK (status IN ('deploying', 'succeeded', 'failed', 'cancelled')),
        trigger jsonb NOT NULL,
        is_rollback boolean NOT NULL,
        rollback_from uuid,
        started_at timestamptz NOT NULL,
        finished_at timestamptz,
        status_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX rm_deployments_project ON rm_deployments (project_id, started_at DESC, id DESC)`);
    await q.query(
      `COMMENT ON TABLE rm_deployments IS 'written by history: one deployment per run that reached SourceDeploy (id = the run id)'`,
    );

    await q.query(`
      CREATE TABLE run_requests (
        run_id uuid PRIMARY KEY,
        project_id uuid NOT NULL,
        owner_id text NOT NULL,
        command text NOT NULL CHECK (command IN ('deploy', 'rollback', 'scale', 'retry')),
        trigger_type text NOT NULL,
        commit_sha text,
        ref text,
        replicas integer,
        retry_of uuid,
        requested_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX run_requests_project ON run_requests (project_id, requested_at DESC)`);
    await q.query(
      `COMMENT ON TABLE run_requests IS 'written by gateway: run commands it accepted (shown as queued until history has the run)'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['run_requests', 'rm_deployments', 'rm_run_steps', 'rm_runs'])
      await q.query(`DROP TABLE ${table}`);
  }
}
