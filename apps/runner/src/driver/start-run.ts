import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { NotificationOutbox } from '../notify/notification-outbox';
import { ACTIVE, Run } from '../runs/run';
import { mirrorRequested } from './mirror-request';
import { RunContext } from './run-context';
import { RunLease } from './run-lease';

/**
 * A queued run starts when its project has no active run (decided under the project's lock):
 * it takes the next number of the project's deploy order, names the image
 * `{registry}/{owner}-{repo}:{sha7}`, and asks the mirror to put that commit and manifest into
 * SourceCommit. A run whose target is no longer what the project should run ends superseded.
 */
@Injectable()
export class StartRun {
  constructor(
    private readonly ctx: RunContext,
    private readonly notifications: NotificationOutbox,
  ) {}

  advance(run: Run, lease: RunLease): Promise<unknown> {
    return this.ctx.dataSource.transaction(async (manager) => {
      await this.ctx.runs.lockProject(manager, run.projectId);
      const current = await this.ctx.runs.lock(manager, run.id);
      if (!current || current.status !== 'queued') return;
      run = { ...current, leaseToken: lease.token };
      const project = await this.ctx.projects.byId(manager, run.projectId);
      if (run.cancelRequested) return this.end(manager, run, lease, 'cancelled', run.reason ?? 'cancelled');
      if (!project || project.status !== 'ready')
        return this.end(manager, run, lease, 'failed', `the project is ${project?.status ?? 'gone'}, not ready`);
      if (!run.commitSha) return this.end(manager, run, lease, 'failed', 'the run names no commit');
      const { desired } = project;
      if (run.commitSha !== desired.commitSha || run.replicas !== desired.replicas)
        return this.end(manager, run, lease, 'superseded', 'the project should run something else now');
      const active = (await this.ctx.runs.ofProject(manager, run.projectId, ACTIVE)).filter((r) => r.id !== run.id);
      // One active run per project: this one waits, and is woken when that one ends.
      if (active.length) return this.ctx.runs.update(manager, run, { nextPollAt: null }, lease.token);
      const tag = run.commitSha.slice(0, 7);
      const now = new Date();
      const deadline = this.ctx.deadline('mirror', now);
      const started: Run = {
        ...run,
        tag,
        image: this.ctx.imageRef(project.imageName!, tag),
        seq: await this.ctx.projects.nextRunSeq(manager, run.projectId),
        status: 'mirroring',
        mirrorAttempt: 1,
      };
      const ok = await this.ctx.runs.update(
        manager,
        run,
        {
          tag,
          image: started.image,
          seq: started.seq,
          desiredVersion: desired.version,
          status: 'mirroring',
          mirrorAttempt: 1,
          startedAt: now,
          stepStartedAt: now,
          stepDeadlineAt: deadline,
          nextPollAt: deadline,
        },
        lease.token,
      );
      if (!ok) return;
      await this.ctx.runs.step(manager, run.id, 'mirror', { status: 'running', startedAt: now });
      await this.ctx.outbox.append(manager, [mirrorRequested(started, project)]);
      await this.notifications.started(manager, started);
    });
  }

  private end(
    manager: EntityManager,
    run: Run,
    lease: RunLease,
    status: 'failed' | 'cancelled' | 'superseded',
    reason: string,
  ) {
    const superseded = status === 'cancelled' && reason.startsWith('superseded');
    return this.ctx.finisher.finish(
      manager,
      run,
      {
        status: superseded ? 'superseded' : status,
        reason,
        ...(status === 'failed' ? { stepError: { message: reason } } : {}),
      },
      { holder: lease.token },
    );
  }
}
