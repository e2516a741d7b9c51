import { Injectable, Logger } from '@nestjs/common';
import { isFailedDeployStatus, isSuccessfulDeployStatus, isTerminalDeployStatus } from '@klepaas/ncp';
import { pausePoint } from '@klepaas/observability';
import { errorInfo } from '../runs/error-info';
import { Run } from '../runs/run';
import { runEvents } from '../runs/run-events';
import { startCertainlyRefused } from './ncp-start';
import { expectedDuration, nextPollDelay } from './poll-schedule';
import { DEFAULT_DURATIONS_MS, RunContext } from './run-context';
import { RunLease } from './run-lease';
import { StepEnd } from './step-end';

/** How soon to look again for a requested deploy in NCP's history. */
const ADOPTION_LOOK_MS = 2_000;

interface DeployIds {
  project: number;
  stage: number;
  scenario: number;
}

/**
 * The deploy step: start the project's SourceDeploy scenario and follow its history to `success`
 * or `fail`; the deployment counts as successful only then. Like the build, the start is marked
 * first with the newest history id NCP showed, so a start whose answer was lost is adopted (the
 * first history entry after that id), never started twice. A running deploy is cancelled only when
 * asked to (never by a newer push).
 */
@Injectable()
export class DeployStep {
  private readonly log = new Logger(DeployStep.name);

  constructor(
    private readonly ctx: RunContext,
    private readonly end: StepEnd,
  ) {}

  async advance(run: Run, lease: RunLease): Promise<unknown> {
    const project = (await this.ctx.projects.byId(this.ctx.dataSource.manager, run.projectId))!;
    const ids = {
      project: Number(project.sourceDeployProjectId),
      stage: Number(project.sourceDeployStageId),
      scenario: Number(project.sourceDeployScenarioId),
    };
    if (run.cancelRequested && !run.reason?.startsWith('superseded')) return this.cancel(run, lease, ids.project);
    if (!run.deployHistoryId) return this.start(run, lease, ids, project.sourceCommitRepository!);
    const history = await this.ctx.ncp.sourceDeploy.getDeployHistory(ids.project, run.deployHistoryId);
    const status = String(history.status);
    if (isSuccessfulDeployStatus(status)) {
      const started = history.startTime ?? run.stepStartedAt!.getTime();
      return this.succeeded(run, lease, (history.endTime ?? Date.now()) - started);
    }
    if (isFailedDeployStatus(status) || isTerminalDeployStatus(status)) {
      const detail = (history as { reason?: string }).reason;
      const message = `SourceDeploy history ${run.deployHistoryId} ended ${status}${detail ? `: ${detail}` : ''}`;
      return this.failed(run, lease, status, { message });
    }
    return this.reschedule(run, lease);
  }

  /** The step's deadline passed: the deploy is cancelled at NCP (if there is one) and the run fails. */
  async timedOut(run: Run, lease: RunLease): Promise<unknown> {
    const project = (await this.ctx.projects.byId(this.ctx.dataSource.manager, run.projectId))!;
    const deployProjectId = Number(project.sourceDeployProjectId);
    const historyId = run.deployHistoryId ?? (await this.adoptable(run, deployProjectId).catch(() => undefined));
    if (historyId) await this.ctx.ncp.sourceDeploy.cancelDeploy(deployProjectId, historyId).catch(() => undefined);
    const minutes = Math.round(this.ctx.settings.stepTimeoutsMs.deploy / 60_000);
    const last = run.lastError ? `; last error: ${run.lastError.message}` : '';
    return this.failed(run, lease, null, {
      message: `the deploy step took longer than ${minutes} minute(s)${last}`,
      code: 'timeout',
    });
  }

  private async start(run: Run, lease: RunLease, ids: DeployIds, repository: string): Promise<unknown> {
    if (run.deployRequestedAt) {
      const adopted = await this.adoptable(run, ids.project);
      if (adopted) return this.started(run, lease, adopted);
      const waited = Date.now() - run.deployRequestedAt.getTime();
      if (waited < this.ctx.settings.adoptionGraceMs) return this.lookAgain(run, lease, ADOPTION_LOOK_MS);
      this.log.warn(
        `run ${run.id}: the deploy requested ${Math.round(waited / 1000)} s ago never appeared; asking again`,
      );
    }
    if ((await this.ctx.deployBranch.head(repository)) !== run.mirroredCommit) return this.end.remirror(run, lease);
    const before = await this.newestHistoryId(ids.project);
    const requestedAt = new Date();
    const marked = await this.ctx.dataSource.transaction((m) =>
      this.ctx.runs.update(m, run, { deployRequestedAt: requestedAt, deploysBefore: before }, lease.token),
    );
    if (!marked) return;
    run = { ...run, deployRequestedAt: requestedAt, deploysBefore: before };
    lease.assertHeld('asking SourceDeploy for a deploy');
    pausePoint('before-deploy-request');
    let historyId: string;
    try {
      historyId = String(await this.ctx.ncp.sourceDeploy.startDeploy(ids.project, ids.stage, ids.scenario));
    } catch (error) {
      if (startCertainlyRefused(error))
        return this.failed(
          run,
          lease,
          null,
          errorInfo(error, `SourceDeploy did not start the deploy: ${(error as Error).message}`),
        );
      this.log.warn(`run ${run.id}: the answer to "start deploy" was lost (${(error as Error).message}); adopting`);
      return this.lookAgain(run, lease, ADOPTION_LOOK_MS, errorInfo(error));
    }
    pausePoint('after-deploy-request');
    return this.started(run, lease, historyId);
  }

  /** History ids are numbers NCP hands out in order: the newest one before the request is the floor. */
  private async newestHistoryId(deployProjectId: number): Promise<number> {
    const history = await this.ctx.ncp.sourceDeploy.listDeployHistory(deployProjectId);
    return history.reduce((max, h) => Math.max(max, Number(h.id) || 0), 0);
  }

  private async adoptable(run: Run, deployProjectId: number): Promise<string | undefined> {
    if (!run.deployRequestedAt || run.deploysBefore === null) return undefined;
    const history = await this.ctx.ncp.sourceDeploy.listDeployHistory(deployProjectId);
    const fresh = history.map((h) => Number(h.id)).filter((id) => id > run.deploysBefore!);
    return fresh.length ? String(Math.min(...fresh)) : undefined;
  }

  private async started(run: Run, lease: RunLease, historyId: string): Promise<unknown> {
    const now = new Date();
    const firstLook = await this.delay({ ...run, polls: 0 }, 0);
    return this.ctx.dataSource.transaction(async (manager) => {
      // Recorded whatever else changed meanwhile (a cancel): an id NCP gave must never be lost.
      const ok = await this.ctx.runs.update(
        manager,
        run,
        {
          deployHistoryId: historyId,
          stepStartedAt: now,
          nextPollAt: new Date(now.getTime() + firstLook),
          polls: 0,
          lastError: null,
        },
        lease.token,
      );
      if (!ok) {
        this.log.warn(
          `run ${run.id}: deploy ${historyId} not recorded here: the run moved on or another runner holds it`,
        );
        return;
      }
      await this.ctx.runs.step(manager, run.id, 'deploy', { status: 'running', startedAt: now, ncp: { historyId } });
      await this.ctx.outbox.append(manager, [
        runEvents.deployStarted({ ...run, deployHistoryId: historyId }, historyId),
      ]);
    });
  }

  private succeeded(run: Run, lease: RunLease, durationMs: number) {
    return this.ctx.dataSource.transaction(async (manager) => {
      await this.ctx.runs.step(manager, run.id, 'deploy', { status: 'succeeded', finishedAt: new Date() });
      await this.ctx.finisher.finish(
        manager,
        run,
        {
          status: 'succeeded',
          events: [runEvents.deploySucceeded(run, Math.max(0, durationMs))],
          deployMs: Math.max(0, durationMs),
        },
        { holder: lease.token },
      );
    });
  }

  private failed(run: Run, lease: RunLease, status: string | null, error: { message: string; code?: string | null }) {
    return this.ctx.dataSource.transaction((manager) =>
      this.ctx.finisher.finish(
        manager,
        run,
        {
          status: 'failed',
          reason: error.message,
          failedStep: 'deploy',
          stepError: error,
          events: [runEvents.deployFailed(run, status, error)],
        },
        { holder: lease.token },
      ),
    );
  }

  /** A cancelled run's deploy is cancelled at NCP: adopted first when its start's answer is not stored yet. */
  private async cancel(run: Run, lease: RunLease, deployProjectId: number): Promise<unknown> {
    let historyId = run.deployHistoryId;
    if (!historyId && run.deployRequestedAt) {
      historyId = (await this.adoptable(run, deployProjectId)) ?? null;
      const waited = Date.now() - run.deployRequestedAt.getTime();
      if (!historyId && waited < this.ctx.settings.adoptionGraceMs) return this.lookAgain(run, lease, ADOPTION_LOOK_MS);
    }
    if (historyId) {
      await this.ctx.ncp.sourceDeploy.cancelDeploy(deployProjectId, historyId).catch((error: unknown) => {
        this.log.warn(`cancel of deploy ${historyId}: ${String(error)}`);
      });
    }
    return this.ctx.dataSource.transaction((manager) =>
      this.ctx.finisher.finish(
        manager,
        { ...run, deployHistoryId: historyId },
        { status: 'cancelled', reason: run.reason ?? 'cancelled' },
        { holder: lease.token },
      ),
    );
  }

  private lookAgain(run: Run, lease: RunLease, ms: number, lastError?: ReturnType<typeof errorInfo>) {
    return this.ctx.runs.updateNow(
      run,
      { nextPollAt: new Date(Date.now() + ms), ...(lastError ? { lastError } : {}) },
      lease.token,
    );
  }

  private async reschedule(run: Run, lease: RunLease): Promise<unknown> {
    const delay = await this.delay({ ...run, polls: run.polls + 1 }, Date.now() - run.stepStartedAt!.getTime());
    return this.ctx.runs.updateNow(
      run,
      { nextPollAt: new Date(Date.now() + delay), polls: run.polls + 1 },
      lease.token,
    );
  }

  private async delay(run: Run, elapsedMs: number): Promise<number> {
    const recent = await this.ctx.runs.recentDurations(run.projectId);
    return nextPollDelay(elapsedMs, expectedDuration(recent.deployMs, DEFAULT_DURATIONS_MS.deploy), run.polls);
  }
}
