import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The backbone: each service's outbox and inbox, the gateway's webhook deliveries and parked
 * messages, and history's first read-model tables. Each table has exactly one writing service
 * (named in its comment).
 */
export class Foundation1764000000000 implements MigrationInterface {
  name = 'Foundation1764000000000';

  async up(q: QueryRunner): Promise<void> {
    for (const service of ['gateway', 'provisioner', 'runner']) {
      await q.query(`
        CREATE TABLE ${service}_outbox (
          seq bigserial PRIMARY KEY,
          event_id uuid NOT NULL UNIQUE,
          event_type text NOT NULL,
          envelope jsonb NOT NULL,
          created_at timestamptz NOT NULL DEFAULT now()
        )`);
      await q.query(
        `COMMENT ON TABLE ${service}_outbox IS 'written by ${service}: events committed with state, published by its relay'`,
      );
    }
    for (const service of ['provisioner', 'runner', 'history']) {
      await q.query(`
        CREATE TABLE ${service}_inbox (
          event_id uuid PRIMARY KEY,
          event_type text NOT NULL,
          processed_at timestamptz NOT NULL DEFAULT now()
        )`);
      await q.query(`COMMENT ON TABLE ${service}_inbox IS 'written by ${service}: ids of events it has applied'`);
    }

    await q.query(`
      CREATE TABLE webhook_deliveries (
        delivery_id text PRIMARY KEY,
        event text NOT NULL,
        action text,
        status text NOT NULL CHECK (status IN ('accepted', 'ignored')),
        repository_id bigint,
        repository_full_name text,
        installation_id bigint,
        sender_login text,
        event_id uuid,
        payload_bytes integer NOT NULL,
        payload_sha256 text NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX webhook_deliveries_repository ON webhook_deliveries (repository_id, received_at DESC)`);
    await q.query(`COMMENT ON TABLE webhook_deliveries IS 'written by gateway: every verified GitHub delivery, once'`);

    await q.query(`
      CREATE TABLE parked_messages (
        id uuid PRIMARY KEY,
        queue text NOT NULL,
        routing_key text,
        event_id text,
        event_type text,
        correlation_id text,
        error text NOT NULL,
        attempts integer NOT NULL,
        body bytea NOT NULL,
        headers jsonb NOT NULL DEFAULT '{}',
        parked_at timestamptz NOT NULL DEFAULT now(),
        replayed_at timestamptz,
        replayed_by text
      )`);
    await q.query(`CREATE INDEX parked_messages_parked_at ON parked_messages (parked_at DESC)`);
    await q.query(
      `COMMENT ON TABLE parked_messages IS 'written by gateway: messages drained from every <queue>.dlq, for operators'`,
    );

    await q.query(`
      CREATE TABLE rm_timeline (
        seq bigserial PRIMARY KEY,
        event_id uuid NOT NULL,
        event_type text NOT NULL,
        correlation_id text NOT NULL,
        occurred_at timestamptz NOT NULL,
        data jsonb NOT NULL
      )`);
    await q.query(`CREATE INDEX rm_timeline_correlation ON rm_timeline (correlation_id, occurred_at)`);
    await q.query(`COMMENT ON TABLE rm_timeline IS 'written by history: every event, in order, per delivery or run'`);

    await q.query(`
      CREATE TABLE rm_deliveries (
        delivery_id text PRIMARY KEY,
        event_type text NOT NULL,
        repository_id bigint,
        project_id uuid,
        status text NOT NULL CHECK (status IN ('accepted', 'skipped', 'run')),
        reason text,
        rule text,
        run_id uuid,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`COMMENT ON TABLE rm_deliveries IS 'written by history: what became of each delivery'`);

    await q.query(`
      CREATE TABLE rm_projects (
        id uuid PRIMARY KEY,
        owner_id text NOT NULL,
        owner text NOT NULL,
        repo text NOT NULL,
        github_repository_id bigint NOT NULL,
        branch text NOT NULL,
        status text NOT NULL,
        reason text,
        auto_deploy boolean NOT NULL,
        merge_only boolean NOT NULL,
        paths jsonb NOT NULL DEFAULT '[]',
        replicas integer NOT NULL,
        container_port integer NOT NULL,
        installation_id bigint,
        namespace text,
        ncp jsonb NOT NULL DEFAULT '{}',
        last_run jsonb,
        current_deployment jsonb,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX rm_projects_owner ON rm_projects (owner_id, created_at DESC)`);
    await q.query(`CREATE INDEX rm_projects_repository ON rm_projects (github_repository_id)`);
    await q.query(`COMMENT ON TABLE rm_projects IS 'written by history: the project view dashboards read'`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['rm_projects', 'rm_deliveries', 'rm_timeline', 'parked_messages', 'webhook_deliveries']) {
      await q.query(`DROP TABLE ${table}`);
    }
    for (const service of ['provisioner', 'runner', 'history']) await q.query(`DROP TABLE ${service}_inbox`);
    for (const service of ['gateway', 'provisioner', 'runner']) await q.query(`DROP TABLE ${service}_outbox`);
  }
}
