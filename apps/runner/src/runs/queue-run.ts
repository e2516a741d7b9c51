import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { OutboxStore } from '@klepaas/persistence';
import { Run } from './run';
import { runEvents } from './run-events';
import { FinishRun } from './finish-run';
import { RUN_DUE_CHANNEL, RunsRepository } from './runs.repository';

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
    >
  >;

/**
 * Queues a run (one active run per project: it starts when the project has none) and supersedes
 * the project's older runs that have not started building. A queued one ends at once; one
 * mirroring is told to end when its mirror job returns, so two mirror jobs never race to push.
 */
@Injectable()
export class QueueRun {
  constructor(
    private readonly runs: RunsRepository,
    private readonly finish: FinishRun,
    private readonly outbox: OutboxStore,
  ) {}

  async queue(manager: EntityManager, spec: NewRun, causationId: string | null): Promise<Run> {
    // Events of one project may be handled at once, and out of order: decide one at a time, by
    // when each trigger happened, so the newest always wins.
    await this.runs.lockProject(manager, spec.projectId);
    if (await this.runs.newerExists(manager, spec.projectId, spec.requestedAt)) {
      const stale = await this.record(manager, spec, causationId);
      await this.finish.finish(manager, stale, {
        status: 'superseded',
        reason: 'a newer request for this project came first',
      });
      return stale;
    }
    const older = (await this.runs.ofProject(manager, spec.projectId, ['queued', 'mirroring'])).filter(
      (r) => r.requestedAt <= spec.requestedAt,
    );
    const run = await this.record(manager, spec, causationId);
    const reason = `superseded by run ${spec.id}`;
    for (const old of older) {
      if (old.status === 'queued') await this.finish.finish(manager, old, { status: 'superseded', reason });
      else await this.runs.update(manager, old, { cancelRequested: true, reason });
    }
    await manager.query(`SELECT pg_notify('${RUN_DUE_CHANNEL}', '')`);
    return run;
  }

  /** Records the run and announces it, superseding nothing (a request that cannot run). */
  async record(manager: EntityManager, spec: NewRun, causationId: string | null): Promise<Run> {
    await this.runs.insert(manager, {
      ...spec,
      status: 'queued',
      nextPollAt: new Date(),
      replicas: spec.replicas ?? null,
    });
    const run = (await this.runs.find(spec.id, manager))!;
    await this.outbox.append(manager, [runEvents.queued(run, causationId)]);
    return run;
  }
}
