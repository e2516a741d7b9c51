import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ErrorInfo, EventEnvelope } from '@klepaas/contracts';
import { OutboxStore } from '@klepaas/persistence';
import { NotificationOutbox } from '../notify/notification-outbox';
import { RunnerProjectsRepository } from '../projects/runner-projects.repository';
import { LIVE, Run, StepName } from './run';
import { runEvents, runsStopped } from './run-events';
import { RunRecorder } from './run-recorder';
import { RunsRepository } from './runs.repository';
import { randomUUID } from 'node:crypto';

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

export interface FinishOptions {
  /** The driver's lease token, when the driver ends a run it holds. */
  holder?: string | null;
  /** Whether to queue another attempt when the project is left away from its desired state. */
  followUp?: boolean;
}

/**
 * Ends a run: its final status, the steps left pending marked skipped (or cancelled), the events
 * and RunCompleted in the same transaction, the project's deployed state when it succeeded, and
 * the project's next run woken. A run that ends while the desired state moved on (and nothing
 * else is queued to get there) queues the next attempt itself.
 */
@Injectable()
export class FinishRun {
  private readonly log = new Logger(FinishRun.name);

  constructor(
    private readonly runs: RunsRepository,
    private readonly projects: RunnerProjectsRepository,
    private readonly recorder: RunRecorder,
    private readonly outbox: OutboxStore,
    private readonly notifications: NotificationOutbox,
  ) {}

  /** False when the run changed meanwhile (or the driver lost it): the caller reads it again. */
  async finish(manager: EntityManager, run: Run, ending: Ending, options: FinishOptions = {}): Promise<boolean> {
    await this.runs.lockProject(manager, run.projectId);
    const finishedAt = new Date();
    const ok = await this.runs.update(
      manager,
      run,
      {
        status: ending.status,
        reason: ending.reason ?? null,
        failedStep: ending.failedStep ?? null,
        nextPollAt: null,
        stepDeadlineAt: null,
        finishedAt,
        ...(ending.deployMs !== undefined ? { deployMs: ending.deployMs } : {}),
      },
      options.holder,
    );
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
    if (ending.status === 'succeeded' && run.commitSha && run.replicas !== null && run.seq !== null) {
      await this.projects.setDeployed(manager, run.projectId, {
        commitSha: run.commitSha,
        replicas: run.replicas,
        runId: run.id,
        seq: run.seq,
      });
    }
    await this.outbox.append(manager, [...(ending.events ?? []), runEvents.completed(ended, finishedAt)]);
    await this.notifications.ended(manager, ended, ending.status, ending.reason ?? null);
    await this.next(manager, ended, options.followUp ?? true);
    this.log.log(`run ${run.id} ${ending.status}${ending.reason ? `: ${ending.reason}` : ''}`);
    return true;
  }

  /** Wakes the project's queued run, or queues the attempt the desired state still needs. */
  private async next(manager: EntityManager, ended: Run, followUp: boolean): Promise<void> {
    const live = (await this.runs.ofProject(manager, ended.projectId, LIVE)).filter((r) => r.id !== ended.id);
    const project = await this.projects.byId(manager, ended.projectId);
    if (project?.status === 'deleting') {
      // The last run of an unregistering project is over: its NCP resources may go now.
      if (ended.startedAt && !live.length) await this.outbox.append(manager, [runsStopped(ended.projectId)]);
      return;
    }
    const queued = live.find((r) => r.status === 'queued');
    if (queued) {
      await this.runs.update(manager, queued, { nextPollAt: new Date() });
      return;
    }
    if (!followUp || live.length || !ended.startedAt || ended.status === 'cancelled') return;
    if (!project || project.status !== 'ready' || !project.desired.commitSha) return;
    const { desired, deployed } = project;
    const aimedThere = ended.commitSha === desired.commitSha && ended.replicas === desired.replicas;
    const there = deployed.commitSha === desired.commitSha && deployed.replicas === desired.replicas;
    // A run that tried for the desired state and failed is not tried again by itself (no loop).
    if (aimedThere || there) return;
    await this.recorder.record(
      manager,
      {
        id: randomUUID(),
        projectId: ended.projectId,
        triggerType: 'reconcile',
        triggerReason: `the desired state moved on while run ${ended.id} ran`,
        requestedAt: new Date(),
        commitSha: desired.commitSha,
        commitMessage: desired.commitMessage,
        replicas: desired.replicas,
        desiredVersion: desired.version,
      },
      ended.id,
    );
  }
}
