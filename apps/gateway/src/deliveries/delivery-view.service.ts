import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { isOperator, Principal } from '@klepaas/auth';
import { ReadModel } from '@klepaas/read-model';

export interface DeliveryView {
  deliveryId: string;
  event: string;
  action?: string;
  receivedAt: string;
  status: 'accepted' | 'ignored' | 'rejected' | 'skipped' | 'run';
  reason?: string;
  rule?: string;
  runId?: string;
  projectId?: string;
}

/**
 * A delivery as its reader sees it: the gateway's own row (it was verified and stored; a payload
 * that failed its schema is `rejected` with the reason), merged with history's outcome once the
 * runner has decided (skipped, or a run). It is visible to the owner of the project that claimed
 * its repository when it arrived (a later owner of the repository does not see it) and to operators.
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
      `SELECT delivery_id, event, action, status, reason, owner_id, project_id, received_at
         FROM webhook_deliveries WHERE delivery_id = $1`,
      [deliveryId],
    );
    if (!rows.length) return null;
    const row = rows[0];
    if (!isOperator(caller) && (row.owner_id === null || row.owner_id !== caller.userId)) return null;
    const view: DeliveryView = {
      deliveryId: row.delivery_id,
      event: row.event,
      ...(row.action ? { action: row.action } : {}),
      receivedAt: new Date(row.received_at).toISOString(),
      status: row.status,
      ...(row.reason ? { reason: row.reason } : {}),
      ...(row.project_id ? { projectId: row.project_id } : {}),
    };
    if (row.status !== 'accepted') return view;
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
