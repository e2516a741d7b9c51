import { Injectable, Logger } from '@nestjs/common';
import { isFailedDeployStatus, isSuccessfulDeployStatus, isTerminalDeployStatus } from '@klepaas/ncp';
import { pausePoint } from '@klepaas/observability';
import { errorInfo } from '../runs/error-info';
import { Run } from '../runs/run';
import { runEvents } from '../runs/run-events';
import { startCertainlyRefused } from './ncp-start';
import { expectedDuration, nextPollDelay } from './poll-schedule';
import { DEFAULT_DURATIONS_MS, RunContext } from './run-context';
import { RolloutCheck } from './rollout-check';
import { RunLease } from './run-lease';
import { StepEnd } from './step-end';

/** How soon to look again for a requested deploy in NCP's history. */
const ADOPTION_LOOK_MS = 2_000;
/** How soon to look again at a Deployment still rolling out. */
const ROLLOUT_LOOK_MS = 2_000;

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
 * asked to (never by a newer push). With cluster access, a deploy NCP finished succeeds only once
 * the project's Deployments rolled out (RolloutCheck); one that never does fails at the deadline.
 */
@Injectable()
export class DeployStep {
  private readonly log = new Logger(DeployStep.name);

  constructor(
    private readonly ctx: RunContext,
    private readonly end: StepEnd,
    private readonly rollout: RolloutCheck,
  ) {}

  async advance(run: Run, lease: RunLease): Promise<unknown> {
    const project = (await this.ctx.projects.byId(this.ctx.dataSource.manager, run.projectId))!;
    const ids = {
      project: Number(project.sourceDeployProjectId),
      stage: Number(project.sourceDeployStageId),
      scenario: Number(project.sourceDeployScenarioId),
    };
    if (run.cancelRequested && !run.reason?.startsWith('superseded')) return this.cancel(run, lease);
    if (!run.deployHistoryId) return this.start(run, lease, ids, project.sourceCommitRepository!);
    const history = await this.ctx.ncp.sourceDeploy.getDeployHistory(ids.project, run.deployHistoryId);
    const status = String(history.status);
    if (isSuccessfulDeployStatus(status)) {
      const rollout = await this.rollout.check(project.namespace);
      if (rollout && !rollout.ready)
        return this.lookAgain(run, lease, ROLLOUT_LOOK_MS, { message: `waiting for the rollout: ${rollout.detail}` });
      const started = history.startTime ?? run.stepStartedAt!.getTime();
      // With a rollout to wait for, the deploy took until it was seen running.
      return this.succeeded(run, lease, (rollout ? Date.now() : (history.endTime ?? Date.now())) - started);
    }
    if (isFailedDeployStatus(status) || isTerminalDeployStatus(status)) {
      const detail = (history as { reason?: string }).reason;
      const message = `SourceDeploy history ${run.deployHistoryId} ended ${status}${detail ? `: ${detail}` : ''}`;
      return this.failed(run, lease, status, { message });
    }
    return this.reschedule(run, lease);
  }

  /**
   * The step's deadline passed: the deploy is cancelled at NCP (if there is one) and the run
   * fails, unless NCP had finished it meanwhile (then it succeeded, and says so).
   */
  async timedOut(run: Run, lease: RunLease): Promise<unknown> {
    const minutes = Math.round(this.ctx.settings.stepTimeoutsMs.deploy / 60_000);
    const last = run.lastError ? `; last error: ${run.lastError.message}` : '';
    return this.stopAtNcp(
      run,
      lease,
      false,
      () =>
        this.failed(run, lease, null, {
          message: `the deploy step took longer than ${minutes} minute(s)${last}`,
          code: 'timeout',
        }),
      (known, detail) =>
        this.failed(known, lease, null, {
          message: `SourceDeploy applied the manifest but the Deployment did not roll out within ${minutes} minute(s): ${detail}`,
          code: 'rollout_timeout',
        }),
    );
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

  private async started(run: Run, lease: RunLease, historyId: string): Promise<void> {
    const now = new Date();
    const firstLook = await this.delay({ ...run, polls: 0 }, 0);
    const recorded = await this.ctx.dataSource.transaction(async (manager) => {
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
      if (!ok) return false;
      await this.ctx.runs.step(manager, run.id, 'deploy', { status: 'running', startedAt: now, ncp: { historyId } });
      await this.ctx.outbox.append(manager, [
        runEvents.deployStarted({ ...run, deployHistoryId: historyId }, historyId),
      ]);
      return true;
    });
    if (!recorded) await this.orphaned(run, historyId);
  }

  /**
   * This runner lost the run while NCP started its deploy (paused past its lease between its last
   * check and the request): unless the runner that took over adopted that very deploy, nothing
   * follows it, so it is cancelled.
   */
  private async orphaned(run: Run, historyId: string): Promise<void> {
    const now = await this.ctx.runs.find(run.id);
    const adopted = now?.deployHistoryId === historyId;
    this.log.warn(
      `run ${run.id}: deploy ${historyId} not recorded here: another runner holds the run (${adopted ? 'it adopted this deploy' : 'cancelling this one'})`,
    );
    if (adopted) return;
    const project = await this.ctx.projects.byId(this.ctx.dataSource.manager, run.projectId);
    if (project)
      await this.ctx.ncp.sourceDeploy
        .cancelDeploy(Number(project.sourceDeployProjectId), historyId)
        .catch(() => undefined);
  }

  /** `despite`: why it ended succeeded although it was being stopped (too late to stop it). */
  private succeeded(run: Run, lease: RunLease, durationMs: number, despite?: string) {
    return this.ctx.dataSource.transaction(async (manager) => {
      await this.ctx.runs.step(manager, run.id, 'deploy', { status: 'succeeded', finishedAt: new Date() });
      await this.ctx.finisher.finish(
        manager,
        run,
        {
          status: 'succeeded',
          reason: despite ? `${despite} before it could be stopped` : null,
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

  /** A cancelled run's deploy is cancelled at NCP, unless it had already succeeded. */
  private cancel(run: Run, lease: RunLease): Promise<unknown> {
    return this.stopAtNcp(run, lease, true, (stopped) => this.end.cancelled(stopped, run.reason, lease));
  }

  /**
   * Stops the deploy this run asked for, first adopting and recording one whose start's answer
   * never came (while it may still appear, and `waitForAdoption`, the run looks again soon). A
   * deploy NCP had already finished successfully is not undone: the run succeeded, and says why.
   */
  private async stopAtNcp(
    run: Run,
    lease: RunLease,
    waitForAdoption: boolean,
    end: (run: Run) => Promise<unknown>,
    notRolledOut?: (run: Run, detail: string) => Promise<unknown>,
  ): Promise<unknown> {
    const project = (await this.ctx.projects.byId(this.ctx.dataSource.manager, run.projectId))!;
    const deployProjectId = Number(project.sourceDeployProjectId);
    let historyId = run.deployHistoryId;
    if (!historyId && run.deployRequestedAt) {
      historyId = (await this.adoptable(run, deployProjectId).catch(() => undefined)) ?? null;
      const waited = Date.now() - run.deployRequestedAt.getTime();
      if (!historyId && waitForAdoption && waited < this.ctx.settings.adoptionGraceMs)
        return this.lookAgain(run, lease, ADOPTION_LOOK_MS);
      if (historyId) await this.started(run, lease, historyId);
    }
    if (!historyId) return end(run);
    const known = { ...run, deployHistoryId: historyId };
    const history = await this.ctx.ncp.sourceDeploy.getDeployHistory(deployProjectId, historyId).catch(() => null);
    const status = history ? String(history.status) : null;
    if (history && status && isSuccessfulDeployStatus(status)) {
      if (notRolledOut) {
        const project = await this.ctx.projects.byId(this.ctx.dataSource.manager, run.projectId);
        const rollout = await this.rollout.check(project?.namespace ?? null);
        if (rollout && !rollout.ready) return notRolledOut(known, rollout.detail);
      }
      const started = history.startTime ?? run.stepStartedAt?.getTime() ?? Date.now();
      return this.succeeded(known, lease, (history.endTime ?? Date.now()) - started, 'NCP had finished the deploy');
    }
    if (!status || !isTerminalDeployStatus(status)) {
      await this.ctx.ncp.sourceDeploy.cancelDeploy(deployProjectId, historyId).catch((error: unknown) => {
        this.log.warn(`cancel of deploy ${historyId}: ${String(error)}`);
      });
    }
    return end(known);
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
