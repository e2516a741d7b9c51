import { Injectable } from '@nestjs/common';
import { Run } from '../runs/run';
import { RunContext, STEP_TIMEOUTS_MS } from './run-context';
import { mirrorRequested } from './start-run';

const MIRROR_ATTEMPTS = 3;

/**
 * A mirroring run is due only when its mirror job has not answered in time (its answer is an
 * event, handled as it arrives): ask again, as a new attempt, a few times, then fail.
 */
@Injectable()
export class MirrorWatch {
  constructor(private readonly ctx: RunContext) {}

  async advance(run: Run): Promise<unknown> {
    const finish = (status: 'failed' | 'cancelled' | 'superseded', reason: string) =>
      this.ctx.dataSource.transaction((manager) =>
        this.ctx.finisher.finish(manager, run, {
          status,
          reason,
          failedStep: status === 'failed' ? 'mirror' : null,
          stepError: status === 'failed' ? { message: reason, code: 'timeout' } : undefined,
        }),
      );
    if (run.cancelRequested)
      return finish(run.reason?.startsWith('superseded') ? 'superseded' : 'cancelled', run.reason ?? 'cancelled');
    if (run.mirrorAttempt >= MIRROR_ATTEMPTS) {
      return finish(
        'failed',
        `the mirror did not answer ${MIRROR_ATTEMPTS} requests within ${STEP_TIMEOUTS_MS.mirror / 60_000} minutes each`,
      );
    }
    const project = (await this.ctx.projects.byId(this.ctx.dataSource.manager, run.projectId))!;
    const deadline = new Date(Date.now() + STEP_TIMEOUTS_MS.mirror);
    const again = { ...run, mirrorAttempt: run.mirrorAttempt + 1 };
    return this.ctx.dataSource.transaction(async (manager) => {
      if (
        !(await this.ctx.runs.update(manager, run, {
          mirrorAttempt: again.mirrorAttempt,
          stepDeadlineAt: deadline,
          nextPollAt: deadline,
        }))
      ) {
        return;
      }
      await this.ctx.outbox.append(manager, [mirrorRequested(again, project)]);
    });
  }
}
