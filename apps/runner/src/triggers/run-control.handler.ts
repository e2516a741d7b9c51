import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  EventEnvelope,
  MirrorCompletedPayload,
  MirrorFailedPayload,
  RunCancelRequestedPayload,
} from '@klepaas/contracts';
import { KLEPAAS_CONFIG, KlepaasConfig } from '@klepaas/config';
import { FinishRun } from '../runs/finish-run';
import { FINISHED } from '../runs/run';
import { RunsRepository } from '../runs/runs.repository';

/** The mirror refuses to replace a later run's commit on the deploy branch (docs/mirror.md). */
export const SUPERSEDED_BY_LATER_RUN = 'superseded';

/** What changes a run from outside the driver: the mirror's answer, and a user's cancel. */
@Injectable()
export class RunControlHandler {
  constructor(
    private readonly runs: RunsRepository,
    private readonly finish: FinishRun,
    @Inject(KLEPAAS_CONFIG) private readonly config: KlepaasConfig,
  ) {}

  async mirrorCompleted(
    manager: EntityManager,
    envelope: EventEnvelope<string, MirrorCompletedPayload>,
  ): Promise<void> {
    const p = envelope.payload;
    const run = await this.runs.lock(manager, p.runId);
    // A second answer (a redone job, an older attempt) finds the run past mirroring: ignored.
    if (!run || run.status !== 'mirroring') return;
    const now = new Date();
    await this.runs.step(manager, run.id, 'mirror', {
      status: 'succeeded',
      finishedAt: now,
      ncp: { mirroredCommit: p.mirroredCommit },
    });
    if (run.cancelRequested) {
      const superseded = run.reason?.startsWith('superseded');
      await this.finish.finish(manager, run, { status: superseded ? 'superseded' : 'cancelled', reason: run.reason });
      return;
    }
    await this.runs.update(manager, run, {
      status: 'building',
      mirroredCommit: p.mirroredCommit,
      stepStartedAt: now,
      // Counted from here: a start that keeps failing ends the run at this deadline too.
      stepDeadlineAt: new Date(now.getTime() + this.config.runner.stepTimeoutsMs.build),
      nextPollAt: now,
      polls: 0,
      lastError: null,
    });
  }

  async mirrorFailed(manager: EntityManager, envelope: EventEnvelope<string, MirrorFailedPayload>): Promise<void> {
    const p = envelope.payload;
    const run = await this.runs.lock(manager, p.runId);
    if (!run || run.status !== 'mirroring') return;
    if (p.error.code === SUPERSEDED_BY_LATER_RUN) {
      await this.finish.finish(manager, run, { status: 'superseded', reason: `mirror: ${p.error.message}` });
      return;
    }
    await this.finish.finish(manager, run, {
      status: run.cancelRequested && run.reason?.startsWith('superseded') ? 'superseded' : 'failed',
      reason: `mirror: ${p.error.message}`,
      failedStep: 'mirror',
      stepError: p.error,
    });
  }

  async cancel(manager: EntityManager, envelope: EventEnvelope<string, RunCancelRequestedPayload>): Promise<void> {
    const { runId, requestedBy } = envelope.payload;
    const run = await this.runs.lock(manager, runId);
    if (!run) {
      // The command that makes the run has not arrived yet (messages are not ordered across
      // queues and retries): the cancel waits for it, and the run is born cancelled.
      await manager.query(
        `INSERT INTO runner_pending_cancels (run_id, requested_by) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
        [runId, requestedBy],
      );
      return;
    }
    if (FINISHED.includes(run.status)) return;
    const reason = `cancelled by ${requestedBy}`;
    if (run.status === 'queued') {
      await this.finish.finish(manager, run, { status: 'cancelled', reason });
      return;
    }
    // Mirroring: ends when the mirror answers. Building or deploying: the driver cancels it at
    // NCP (adopting a start whose answer it has not stored yet first); the lease stays with
    // whichever runner holds the run.
    await this.runs.update(manager, run, {
      cancelRequested: true,
      reason,
      ...(run.status === 'mirroring' ? {} : { nextPollAt: new Date() }),
    });
  }
}
