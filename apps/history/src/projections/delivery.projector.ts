import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DeliverySkippedPayload, EventEnvelope, Events, RunQueuedPayload } from '@klepaas/contracts';

const GITHUB_EVENTS: string[] = [
  Events.PushReceived.name,
  Events.ReleasePublished.name,
  Events.PullRequestMerged.name,
  Events.InstallationChanged.name,
];

/**
 * What became of each delivery: accepted when its event arrives, then skipped (with the rule)
 * or run (with the run id) once the runner decides. Decisions may arrive before the delivery
 * event itself (the broker does not order across producers), so every write is an upsert
 * that never moves a decided delivery back to `accepted`.
 */
@Injectable()
export class DeliveryProjector {
  async apply(manager: EntityManager, envelope: EventEnvelope): Promise<void> {
    if (GITHUB_EVENTS.includes(envelope.type)) return this.accepted(manager, envelope);
    if (envelope.type === Events.DeliverySkipped.name) return this.skipped(manager, envelope);
    if (envelope.type === Events.RunQueued.name) return this.run(manager, envelope);
  }

  private async accepted(manager: EntityManager, envelope: EventEnvelope): Promise<void> {
    const payload = envelope.payload as { deliveryId: string; repository?: { id: number } };
    await manager.query(
      `INSERT INTO rm_deliveries (delivery_id, event_type, repository_id, status)
       VALUES ($1, $2, $3, 'accepted')
       ON CONFLICT (delivery_id) DO UPDATE SET event_type = EXCLUDED.event_type,
         repository_id = COALESCE(rm_deliveries.repository_id, EXCLUDED.repository_id)`,
      [payload.deliveryId, envelope.type, payload.repository?.id ?? null],
    );
  }

  private async skipped(manager: EntityManager, envelope: EventEnvelope): Promise<void> {
    const p = envelope.payload as DeliverySkippedPayload;
    await manager.query(
      `INSERT INTO rm_deliveries (delivery_id, event_type, project_id, status, rule, reason, updated_at)
       VALUES ($1, 'unknown', $2, 'skipped', $3, $4, now())
       ON CONFLICT (delivery_id) DO UPDATE SET status = 'skipped', project_id = EXCLUDED.project_id,
         rule = EXCLUDED.rule, reason = EXCLUDED.reason, updated_at = now()
       WHERE rm_deliveries.status <> 'run'`,
      [p.deliveryId, p.projectId, p.rule, p.reason],
    );
  }

  private async run(manager: EntityManager, envelope: EventEnvelope): Promise<void> {
    const p = envelope.payload as RunQueuedPayload;
    if (!p.trigger.deliveryId) return;
    await manager.query(
      `INSERT INTO rm_deliveries (delivery_id, event_type, project_id, status, run_id, updated_at)
       VALUES ($1, 'unknown', $2, 'run', $3, now())
       ON CONFLICT (delivery_id) DO UPDATE SET status = 'run', project_id = EXCLUDED.project_id,
         run_id = EXCLUDED.run_id, rule = NULL, reason = NULL, updated_at = now()`,
      [p.trigger.deliveryId, p.projectId, p.runId],
    );
  }
}
