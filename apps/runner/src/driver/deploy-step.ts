import { Injectable, Logger } from '@nestjs/common';
import { isFailedDeployStatus, isSuccessfulDeployStatus, isTerminalDeployStatus } from '@klepaas/ncp';
import { errorInfo } from '../runs/error-info';
import { Run } from '../runs/run';
import { runEvents } from '../runs/run-events';
import { expectedDuration, nextPollDelay } from './poll-schedule';
import { DEFAULT_DURATIONS_MS, RunContext, STEP_TIMEOUTS_MS } from './run-context';

/**
 * The deploy step: start the project's SourceDeploy scenario and follow its history to `success`
 * or `fail`. The deployment counts as successful only then. A running deploy is cancelled only
 * when asked to (never by a newer push).
 */
@Injectable()
export class DeployStep {
  private readonly log = new Logger(DeployStep.name);

  constructor(private readonly ctx: RunContext) {}

  async advance(run: Run): Promise<unknown> {
    const project = (await this.ctx.projects.byId(this.ctx.dataSource.manager, run.projectId))!;
    const ids = {
      project: Number(project.sourceDeployProjectId),
      stage: Number(project.sourceDeployStageId),
      scenario: Number(project.sourceDeployScenarioId),
    };
    if (run.cancelRequested && !run.reason?.startsWith('superseded')) return this.cancel(run, ids.project);
    if (!run.deployHistoryId) return this.start(run, ids);
    const history = await this.ctx.ncp.sourceDeploy.getDeployHistory(ids.project, run.deployHistoryId);
    const status = String(history.status);
    if (isSuccessfulDeployStatus(status)) {
      return this.succeeded(run, (history.endTime ?? Date.now()) - (history.startTime ?? run.stepStartedAt!.getTime()));
    }
    if (isFailedDeployStatus(status) || isTerminalDeployStatus(status)) {
      const detail = (history as { reason?: string }).reason;
      return this.failed(
        run,
        status,
        `SourceDeploy history ${run.deployHistoryId} ended ${status}${detail ? `: ${detail}` : ''}`,
      );
    }
    if (Date.now() > run.stepDeadlineAt!.getTime()) {
      await this.ctx.ncp.sourceDeploy.cancelDeploy(ids.project, run.deployHistoryId).catch(() => undefined);
      return this.failed(run, status, `the deploy took longer than ${STEP_TIMEOUTS_MS.deploy / 60_000} minutes`);
    }
    return this.reschedule(run);
  }

  private async start(run: Run, ids: { project: number; stage: number; scenario: number }): Promise<unknown> {
    // A runner that died after asking for a deploy, before storing its id, adopts that deploy.
    let historyId = run.deployRequestedAt
      ? await this.findRequestedDeploy(ids.project, run.deployRequestedAt)
      : undefined;
    if (!historyId) {
      const requestedAt = new Date();
      const marked = await this.ctx.dataSource.transaction((m) =>
        this.ctx.runs.update(m, run, { deployRequestedAt: requestedAt }),
      );
      if (!marked) return;
      run = { ...run, deployRequestedAt: requestedAt, version: run.version + 1 };
      try {
        historyId = String(await this.ctx.ncp.sourceDeploy.startDeploy(ids.project, ids.stage, ids.scenario));
      } catch (error) {
        return this.failed(run, null, `SourceDeploy did not start the deploy: ${(error as Error).message}`, error);
      }
    }
    const now = new Date();
    const started = { ...run, deployHistoryId: historyId };
    const firstLook = await this.delay({ ...run, polls: 0 }, 0);
    return this.ctx.dataSource.transaction(async (manager) => {
      const ok = await this.ctx.runs.update(manager, run, {
        deployHistoryId: historyId,
        stepStartedAt: now,
        stepDeadlineAt: new Date(now.getTime() + STEP_TIMEOUTS_MS.deploy),
        nextPollAt: new Date(now.getTime() + firstLook),
        polls: 0,
      });
      if (!ok) return;
      await this.ctx.runs.step(manager, run.id, 'deploy', { status: 'running', startedAt: now, ncp: { historyId } });
      await this.ctx.outbox.append(manager, [runEvents.deployStarted(started, historyId!)]);
    });
  }

  private succeeded(run: Run, durationMs: number) {
    return this.ctx.dataSource.transaction(async (manager) => {
      await this.ctx.runs.step(manager, run.id, 'deploy', { status: 'succeeded', finishedAt: new Date() });
      await this.ctx.finisher.finish(manager, run, {
        status: 'succeeded',
        events: [runEvents.deploySucceeded(run, Math.max(0, durationMs))],
        deployMs: Math.max(0, durationMs),
      });
    });
  }

  private failed(run: Run, status: string | null, message: string, cause?: unknown) {
    const error = cause ? errorInfo(cause, message) : { message };
    return this.ctx.dataSource.transaction((manager) =>
      this.ctx.finisher.finish(manager, run, {
        status: 'failed',
        reason: message,
        failedStep: 'deploy',
        stepError: error,
        events: [runEvents.deployFailed(run, status, error)],
      }),
    );
  }

  private async cancel(run: Run, deployProjectId: number): Promise<unknown> {
    if (run.deployHistoryId) {
      await this.ctx.ncp.sourceDeploy.cancelDeploy(deployProjectId, run.deployHistoryId).catch((error: unknown) => {
        this.log.warn(`cancel of deploy ${run.deployHistoryId}: ${String(error)}`);
      });
    }
    return this.ctx.dataSource.transaction((manager) =>
      this.ctx.finisher.finish(manager, run, { status: 'cancelled', reason: run.reason ?? 'cancelled' }),
    );
  }

  private async reschedule(run: Run): Promise<unknown> {
    const delay = await this.delay({ ...run, polls: run.polls + 1 }, Date.now() - run.stepStartedAt!.getTime());
    return this.ctx.dataSource.transaction((m) =>
      this.ctx.runs.update(m, run, { nextPollAt: new Date(Date.now() + delay), polls: run.polls + 1 }),
    );
  }

  private async delay(run: Run, elapsedMs: number): Promise<number> {
    const recent = await this.ctx.runs.recentDurations(run.projectId);
    return nextPollDelay(elapsedMs, expectedDuration(recent.deployMs, DEFAULT_DURATIONS_MS.deploy), run.polls);
  }

  private async findRequestedDeploy(deployProjectId: number, requestedAt: Date): Promise<string | undefined> {
    const history = await this.ctx.ncp.sourceDeploy.listDeployHistory(deployProjectId);
    const candidate = history
      .filter((h) => Number(h.startTime ?? 0) >= requestedAt.getTime() - 5_000)
      .sort((a, b) => Number(a.startTime ?? 0) - Number(b.startTime ?? 0))[0];
    return candidate ? String(candidate.id) : undefined;
  }
}
