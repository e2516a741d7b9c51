import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ErrorInfo, EventEnvelope } from '@klepaas/contracts';
import { OutboxStore } from '@klepaas/persistence';
import { RunnerProjectsRepository } from '../projects/runner-projects.repository';
import { Run, StepName } from './run';
import { runEvents } from './run-events';
import { RunsRepository } from './runs.repository';

export type FinalStatus = 'succeeded' | 'failed' | 'cancelled' | 'superseded';

export interface Ending {
  status: FinalStatus;
  reason?: string | null;
  failedStep?: StepName | null;
  /** Events that belong before RunCompleted (BuildFailed, DeploySucceeded, …). */
  events?: EventEnvelope[];
  stepError?: ErrorInfo;
  /** The deploy's duration, kept for the project's poll schedule. */
  deployMs?: number;
}

/**
 * Ends a run: its final status, the steps left pending marked skipped (or cancelled), the events
 * and RunCompleted in the same transaction, and the project's next queued run woken.
 */
@Injectable()
export class FinishRun {
  private readonly log = new Logger(FinishRun.name);

  constructor(
    private readonly runs: RunsRepository,
    private readonly projects: RunnerProjectsRepository,
    private readonly outbox: OutboxStore,
  ) {}

  /** False when the run changed meanwhile (the caller reads it again). */
  async finish(manager: EntityManager, run: Run, ending: Ending): Promise<boolean> {
    const finishedAt = new Date();
    const ok = await this.runs.update(manager, run, {
      status: ending.status,
      reason: ending.reason ?? null,
      failedStep: ending.failedStep ?? null,
      nextPollAt: null,
      stepDeadlineAt: null,
      finishedAt,
      ...(ending.deployMs !== undefined ? { deployMs: ending.deployMs } : {}),
    });
    if (!ok) return false;
    const ended: Run = {
      ...run,
      status: ending.status,
      reason: ending.reason ?? null,
      failedStep: ending.failedStep ?? null,
    };
    if (ending.failedStep) {
      await this.runs.step(manager, run.id, ending.failedStep, {
        status: 'failed',
        finishedAt,
        error: ending.stepError,
      });
    }
    const leftover = ending.status === 'cancelled' || ending.status === 'superseded' ? 'cancelled' : 'skipped';
    await manager.query(
      `UPDATE run_steps SET status = CASE WHEN status = 'running' THEN $2 ELSE 'skipped' END, finished_at = now()
        WHERE run_id = $1 AND status IN ('pending', 'running')`,
      [run.id, leftover],
    );
    if (ending.status === 'succeeded' && run.triggerType === 'scale' && run.replicas !== null) {
      await this.projects.setScaledReplicas(manager, run.projectId, run.replicas);
    }
    await this.outbox.append(manager, [...(ending.events ?? []), runEvents.completed(ended, finishedAt)]);
    await this.wakeNext(manager, run.projectId);
    this.log.log(`run ${run.id} ${ending.status}${ending.reason ? `: ${ending.reason}` : ''}`);
    return true;
  }

  /** The oldest queued run of the project may start now that this one is done. */
  async wakeNext(manager: EntityManager, projectId: string): Promise<void> {
    const [next] = await this.runs.ofProject(manager, projectId, ['queued']);
    if (next) await this.runs.update(manager, next, { nextPollAt: new Date() });
  }
}
