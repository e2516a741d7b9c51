import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { FinishRun } from './finish-run';
import { Run } from './run';
import { NewRun, RunRecorder } from './run-recorder';
import { RUN_DUE_CHANNEL, RunsRepository } from './runs.repository';

export type { NewRun };

/**
 * Queues the run that moves a project to its new desired state (under the project's lock), and
 * supersedes what can no longer get there: a queued run always (the new one carries the newest
 * desired state), a mirroring one only when it deploys something else (it is told to stop and
 * ends when its mirror job answers, so two jobs never race to push). A run that is building or
 * deploying goes on; the new run starts after it.
 */
@Injectable()
export class QueueRun {
  constructor(
    private readonly runs: RunsRepository,
    private readonly recorder: RunRecorder,
    private readonly finish: FinishRun,
  ) {}

  async queue(manager: EntityManager, spec: NewRun, causationId: string | null): Promise<Run> {
    const run = await this.recorder.record(manager, spec, causationId);
    const reason = `superseded by run ${spec.id}`;
    for (const old of await this.runs.ofProject(manager, spec.projectId, ['queued', 'mirroring'])) {
      if (old.id === run.id) continue;
      if (old.status === 'queued') {
        await this.finish.finish(manager, old, { status: 'superseded', reason }, { followUp: false });
      } else if (old.commitSha !== run.commitSha || old.replicas !== run.replicas) {
        await this.runs.update(manager, old, { cancelRequested: true, reason });
      }
    }
    await manager.query(`SELECT pg_notify('${RUN_DUE_CHANNEL}', '')`);
    return run;
  }

  /** Records a run the user was promised that cannot run, ended failed with the reason; supersedes nothing. */
  async refuse(manager: EntityManager, spec: NewRun, causationId: string | null, reason: string): Promise<void> {
    if (await this.runs.find(spec.id, manager)) return;
    const run = await this.recorder.record(manager, spec, causationId);
    await this.finish.finish(manager, run, { status: 'failed', reason });
  }
}
