import { Injectable } from '@nestjs/common';
import { Run } from '../runs/run';
import { mirrorRequested } from './mirror-request';
import { RunContext } from './run-context';
import { RunLease } from './run-lease';
import { MIRROR_ATTEMPTS } from './step-end';

/**
 * A mirroring run is due only when its mirror job has not answered in time (its answer is an
 * event, handled as it arrives): ask again, as a new attempt, a few times, then fail.
 */
@Injectable()
export class MirrorWatch {
  constructor(private readonly ctx: RunContext) {}

  async advance(run: Run, lease: RunLease): Promise<unknown> {
    const finish = (status: 'failed' | 'cancelled' | 'superseded', reason: string) =>
      this.ctx.dataSource.transaction((manager) =>
        this.ctx.finisher.finish(
          manager,
          run,
          {
            status,
            reason,
            failedStep: status === 'failed' ? 'mirror' : null,
            stepError: status === 'failed' ? { message: reason, code: 'timeout' } : undefined,
          },
          { holder: lease.token },
        ),
      );
    if (run.cancelRequested)
      return finish(run.reason?.startsWith('superseded') ? 'superseded' : 'cancelled', run.reason ?? 'cancelled');
    if (run.mirrorAttempt >= MIRROR_ATTEMPTS) {
      const minutes = Math.round(this.ctx.settings.stepTimeoutsMs.mirror / 60_000);
      return finish('failed', `the mirror did not answer ${MIRROR_ATTEMPTS} requests within ${minutes} minute(s) each`);
    }
    const project = (await this.ctx.projects.byId(this.ctx.dataSource.manager, run.projectId))!;
    const deadline = this.ctx.deadline('mirror');
    const again = { ...run, mirrorAttempt: run.mirrorAttempt + 1 };
    return this.ctx.dataSource.transaction(async (manager) => {
      const ok = await this.ctx.runs.update(
        manager,
        run,
        { mirrorAttempt: again.mirrorAttempt, stepDeadlineAt: deadline, nextPollAt: deadline },
        lease.token,
      );
      if (ok) await this.ctx.outbox.append(manager, [mirrorRequested(again, project)]);
    });
  }
}
