import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { OutboxStore } from '@klepaas/persistence';
import { NotificationOutbox } from '../notify/notification-outbox';
import { Run } from './run';
import { runEvents } from './run-events';
import { RunsRepository } from './runs.repository';

export type NewRun = Pick<Run, 'id' | 'projectId' | 'triggerType' | 'requestedAt'> &
  Partial<
    Pick<
      Run,
      | 'deliveryId'
      | 'ref'
      | 'commitSha'
      | 'commitMessage'
      | 'actor'
      | 'image'
      | 'tag'
      | 'replicas'
      | 'retryOf'
      | 'rollbackOf'
      | 'triggerReason'
      | 'desiredVersion'
    >
  >;

/**
 * Records a queued run and announces it (RunQueued). A cancel that arrived before its run (the
 * broker does not order messages from different queues) is honoured here: the run is born with
 * the cancel requested, and ends cancelled before it does anything.
 */
@Injectable()
export class RunRecorder {
  constructor(
    private readonly runs: RunsRepository,
    private readonly outbox: OutboxStore,
    private readonly notifications: NotificationOutbox,
  ) {}

  async record(manager: EntityManager, spec: NewRun, causationId: string | null): Promise<Run> {
    const [cancels] = await manager.query(
      `DELETE FROM runner_pending_cancels WHERE run_id = $1 RETURNING requested_by`,
      [spec.id],
    );
    const early = cancels[0] as { requested_by: string } | undefined;
    await this.runs.insert(manager, {
      ...spec,
      status: 'queued',
      nextPollAt: new Date(),
      replicas: spec.replicas ?? null,
      ...(early ? { cancelRequested: true, reason: `cancelled by ${early.requested_by}` } : {}),
    });
    const run = (await this.runs.find(spec.id, manager))!;
    await this.outbox.append(manager, [runEvents.queued(run, causationId)]);
    await this.notifications.queued(manager, run);
    return run;
  }
}
