import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { isOperator, Principal } from '@klepaas/auth';
import { ReadModel } from '@klepaas/read-model';

export interface DeliveryView {
  deliveryId: string;
  event: string;
  action?: string;
  receivedAt: string;
  status: 'accepted' | 'ignored' | 'skipped' | 'run';
  reason?: string;
  rule?: string;
  runId?: string;
  projectId?: string;
}

/**
 * A delivery as its reader sees it: the gateway's own row (it was verified and stored),
 * merged with history's outcome once the runner has decided (skipped, or a run).
 */
@Injectable()
export class DeliveryViewService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly readModel: ReadModel,
  ) {}

  /** Null when it does not exist or the caller may not see it (both answer 404). */
  async find(deliveryId: string, caller: Principal): Promise<DeliveryView | null> {
    const rows = await this.dataSource.query(
      `SELECT delivery_id, event, action, status, repository_id, received_at FROM webhook_deliveries WHERE delivery_id = $1`,
      [deliveryId],
    );
    if (!rows.length) return null;
    const row = rows[0];
    if (!isOperator(caller)) {
      const owner =
        row.repository_id === null ? null : await this.readModel.projects.ownerOfRepository(Number(row.repository_id));
      if (owner !== caller.userId) return null;
    }
    const view: DeliveryView = {
      deliveryId: row.delivery_id,
      event: row.event,
      ...(row.action ? { action: row.action } : {}),
      receivedAt: new Date(row.received_at).toISOString(),
      status: row.status,
    };
    if (row.status === 'ignored') return view;
    const outcome = await this.readModel.deliveries.find(deliveryId);
    if (!outcome || outcome.status === 'accepted') return view;
    return {
      ...view,
      status: outcome.status,
      ...(outcome.reason ? { reason: outcome.reason } : {}),
      ...(outcome.rule ? { rule: outcome.rule } : {}),
      ...(outcome.runId ? { runId: outcome.runId } : {}),
      ...(outcome.projectId ? { projectId: outcome.projectId } : {}),
    };
  }
}
