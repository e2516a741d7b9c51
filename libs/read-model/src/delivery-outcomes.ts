import type { EntityManager } from 'typeorm';

export type DeliveryOutcomeStatus = 'accepted' | 'skipped' | 'run';

export interface DeliveryOutcome {
  deliveryId: string;
  eventType: string;
  repositoryId: number | null;
  projectId: string | null;
  status: DeliveryOutcomeStatus;
  reason: string | null;
  rule: string | null;
  runId: string | null;
  updatedAt: string;
}

/** Read-only queries over what became of each delivery (history writes `rm_deliveries`). */
export class DeliveryOutcomeQueries {
  constructor(private readonly manager: EntityManager) {}

  async find(deliveryId: string): Promise<DeliveryOutcome | null> {
    const rows = await this.manager.query(
      `SELECT delivery_id, event_type, repository_id, project_id, status, reason, rule, run_id, updated_at
         FROM rm_deliveries WHERE delivery_id = $1`,
      [deliveryId],
    );
    if (!rows.length) return null;
    const r = rows[0];
    return {
      deliveryId: r.delivery_id,
      eventType: r.event_type,
      repositoryId: r.repository_id === null ? null : Number(r.repository_id),
      projectId: r.project_id,
      status: r.status,
      reason: r.reason,
      rule: r.rule,
      runId: r.run_id,
      updatedAt: new Date(r.updated_at).toISOString(),
    };
  }
}
