import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The runner's notification outbox (GitHub Deployments and commit statuses, Slack messages):
 * one row per run, target and moment, written in the transaction that changes the run, so a
 * repeated write is a no-op and a restart sends nothing twice (docs/notifications.md). The
 * GitHub Deployment a run made is kept apart, so every later status goes to the same one.
 * A project's own Slack destination is kept sealed (AES-256-GCM, like webhook secrets).
 */
export class RunNotifications1765500000000 implements MigrationInterface {
  name = 'RunNotifications1765500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE run_notifications (
        id bigserial PRIMARY KEY,
        run_id uuid NOT NULL,
        project_id uuid NOT NULL,
        target text NOT NULL CHECK (target IN ('github', 'slack-operator', 'slack-project')),
        kind text NOT NULL CHECK (kind IN ('queued', 'started', 'ended')),
        payload jsonb NOT NULL DEFAULT '{}'::jsonb,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'skipped')),
        attempts int NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        give_up_at timestamptz NOT NULL,
        lease_until timestamptz,
        lease_token uuid,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        UNIQUE (run_id, target, kind)
      )`);
    await q.query(`CREATE INDEX run_notifications_due ON run_notifications (next_attempt_at) WHERE status = 'pending'`);
    await q.query(
      `COMMENT ON TABLE run_notifications IS 'written by runner: notifications of a run to send (GitHub, Slack), and what became of them'`,
    );
    await q.query(`
      CREATE TABLE run_github_deployments (
        run_id uuid PRIMARY KEY,
        deployment_id bigint NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `COMMENT ON TABLE run_github_deployments IS 'written by runner: the GitHub Deployment id of a run, so statuses go to it and none is made twice'`,
    );
    await q.query(`
      CREATE TABLE project_slack_destinations (
        project_id uuid PRIMARY KEY,
        sealed_url text NOT NULL,
        masked_url text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `COMMENT ON TABLE project_slack_destinations IS 'written by gateway: a project''s Slack incoming webhook, AES-256-GCM under KLEPAAS_WEBHOOK_SECRET_KEY (never in clear)'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE project_slack_destinations`);
    await q.query(`DROP TABLE run_github_deployments`);
    await q.query(`DROP TABLE run_notifications`);
  }
}
