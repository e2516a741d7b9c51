import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  EventEnvelope,
  MirrorCompletedPayload,
  MirrorFailedPayload,
  RunCancelRequestedPayload,
} from '@klepaas/contracts';
import { FinishRun } from '../runs/finish-run';
import { FINISHED } from '../runs/run';
import { RunsRepository } from '../runs/runs.repository';

/** What changes a run from outside the driver: the mirror's answer, and a user's cancel. */
@Injectable()
export class RunControlHandler {
  constructor(
    private readonly runs: RunsRepository,
    private readonly finish: FinishRun,
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
      stepDeadlineAt: null,
      nextPollAt: now,
      polls: 0,
    });
  }

  async mirrorFailed(manager: EntityManager, envelope: EventEnvelope<string, MirrorFailedPayload>): Promise<void> {
    const p = envelope.payload;
    const run = await this.runs.lock(manager, p.runId);
    if (!run || run.status !== 'mirroring') return;
    await this.finish.finish(manager, run, {
      status: run.cancelRequested && run.reason?.startsWith('superseded') ? 'superseded' : 'failed',
      reason: `mirror: ${p.error.message}`,
      failedStep: 'mirror',
      stepError: p.error,
    });
  }

  async cancel(manager: EntityManager, envelope: EventEnvelope<string, RunCancelRequestedPayload>): Promise<void> {
    const run = await this.runs.lock(manager, envelope.payload.runId);
    if (!run || FINISHED.includes(run.status)) return;
    const reason = `cancelled by ${envelope.payload.requestedBy}`;
    if (run.status === 'queued') {
      await this.finish.finish(manager, run, { status: 'cancelled', reason });
      return;
    }
    // Mirroring: ends when the mirror answers. Building or deploying: the driver cancels it at NCP now.
    await this.runs.update(manager, run, {
      cancelRequested: true,
      reason,
      ...(run.status === 'mirroring' ? {} : { nextPollAt: new Date() }),
    });
  }
}
