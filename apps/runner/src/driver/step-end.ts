import { Injectable, Logger } from '@nestjs/common';
import { Run } from '../runs/run';
import { mirrorRequested } from './mirror-request';
import { RunContext } from './run-context';
import { RunLease } from './run-lease';

/** How many times a run asks the mirror (answers that never came, a deploy branch found moved). */
export const MIRROR_ATTEMPTS = 3;

/** Ways a build or deploy step hands the run back to an earlier step. */
@Injectable()
export class StepEnd {
  private readonly log = new Logger(StepEnd.name);

  constructor(private readonly ctx: RunContext) {}

  /**
   * The deploy branch does not hold the run's mirrored commit (someone else pushed to it): the
   * commit is mirrored again (a new attempt, the same sequence) before anything is built or
   * deployed from it; after the last attempt the run fails.
   */
  async remirror(run: Run, lease: RunLease): Promise<unknown> {
    const project = (await this.ctx.projects.byId(this.ctx.dataSource.manager, run.projectId))!;
    if (run.mirrorAttempt >= MIRROR_ATTEMPTS) {
      const message = `the deploy branch of ${project.sourceCommitRepository} does not hold the mirrored commit ${run.mirroredCommit?.slice(0, 7)}`;
      return this.ctx.dataSource.transaction((manager) =>
        this.ctx.finisher.finish(
          manager,
          run,
          {
            status: 'failed',
            reason: message,
            failedStep: 'mirror',
            stepError: { message, code: 'deploy_branch_moved' },
          },
          { holder: lease.token },
        ),
      );
    }
    this.log.warn(`run ${run.id}: the deploy branch moved away from ${run.mirroredCommit}; mirroring again`);
    const again: Run = { ...run, status: 'mirroring', mirrorAttempt: run.mirrorAttempt + 1 };
    const deadline = this.ctx.deadline('mirror');
    return this.ctx.dataSource.transaction(async (manager) => {
      const ok = await this.ctx.runs.update(
        manager,
        run,
        {
          status: 'mirroring',
          mirrorAttempt: again.mirrorAttempt,
          mirroredCommit: null,
          buildRequestedAt: null,
          buildsBefore: null,
          buildId: null,
          deployRequestedAt: null,
          deploysBefore: null,
          stepStartedAt: new Date(),
          stepDeadlineAt: deadline,
          nextPollAt: deadline,
        },
        lease.token,
      );
      if (!ok) return;
      await this.ctx.runs.step(manager, run.id, 'mirror', { status: 'running' });
      await this.ctx.outbox.append(manager, [mirrorRequested(again, project)]);
    });
  }

  /** A run cancelled by its user ends `cancelled`, once its build or deploy was stopped at NCP. */
  cancelled(stopped: Run, reason: string | null, lease: RunLease): Promise<unknown> {
    return this.ctx.dataSource.transaction((manager) =>
      this.ctx.finisher.finish(
        manager,
        stopped,
        { status: 'cancelled', reason: reason ?? 'cancelled' },
        { holder: lease.token },
      ),
    );
  }
}
