import { Injectable, Logger } from '@nestjs/common';
import { isTerminalBuildStatus, NcpApiError } from '@klepaas/ncp';
import { pausePoint } from '@klepaas/observability';
import { errorInfo } from '../runs/error-info';
import { Run } from '../runs/run';
import { runEvents } from '../runs/run-events';
import { startCertainlyRefused } from './ncp-start';
import { expectedDuration, nextPollDelay } from './poll-schedule';
import { DEFAULT_DURATIONS_MS, RunContext } from './run-context';
import { RunLease } from './run-lease';
import { StepEnd } from './step-end';

/** How long a built image may take to show up in the registry before the run fails. */
const REGISTRY_GRACE_MS = 60_000;
/** How soon to look again for a requested build in NCP's history. */
const ADOPTION_LOOK_MS = 2_000;

/**
 * The build step: an image already in the registry (a redeploy, a retry after a failed deploy,
 * a rollback, a scale) is not built again; otherwise the run's tag is set on the SourceBuild
 * project and a build started, then followed to its end; a success counts only once NCR has
 * the image. Before asking, the run records that it is about to and which builds NCP already
 * shows: a start whose answer was lost (or a runner that died right after asking) is adopted from
 * NCP's history by id, never started twice.
 */
@Injectable()
export class BuildStep {
  private readonly log = new Logger(BuildStep.name);

  constructor(
    private readonly ctx: RunContext,
    private readonly end: StepEnd,
  ) {}

  async advance(run: Run, lease: RunLease): Promise<unknown> {
    const project = (await this.ctx.projects.byId(this.ctx.dataSource.manager, run.projectId))!;
    const buildProjectId = Number(project.sourceBuildProjectId);
    if (run.cancelRequested) return this.cancel(run, lease);
    if (!run.buildId) return this.start(run, lease, buildProjectId, project.sourceCommitRepository!);
    const build = await this.ctx.ncp.sourceBuild.findBuild(buildProjectId, run.buildId);
    const status = build?.status ?? null;
    if (status === 'success')
      return this.succeeded(run, lease, (build!.end ?? Date.now()) - (build!.begin ?? Date.now()));
    if (isTerminalBuildStatus(status)) {
      const phase = build?.failedPhase ?? null;
      const message = `SourceBuild build ${run.buildId} ended ${status}${phase ? ` at ${phase}` : ''}`;
      return this.failed(run, lease, status, phase, { message });
    }
    return this.reschedule(run, lease);
  }

  /** The step's deadline passed: the build is cancelled at NCP (if there is one) and the run fails. */
  async timedOut(run: Run, lease: RunLease): Promise<unknown> {
    const minutes = Math.round(this.ctx.settings.stepTimeoutsMs.build / 60_000);
    const last = run.lastError ? `; last error: ${run.lastError.message}` : '';
    const error = { message: `the build step took longer than ${minutes} minute(s)${last}`, code: 'timeout' };
    return this.stopAtNcp(run, lease, false, (stopped) => this.failed(stopped, lease, null, 'timeout', error));
  }

  private async start(run: Run, lease: RunLease, buildProjectId: number, repository: string): Promise<unknown> {
    const { name, tag } = this.ctx.parseImage(run.image!);
    if (!run.buildRequestedAt && (await this.imageExists(name, tag))) return this.skip(run, lease);
    if (run.buildRequestedAt) {
      const adopted = await this.adoptable(run, buildProjectId);
      if (adopted) return this.started(run, lease, buildProjectId, adopted);
      const waited = Date.now() - run.buildRequestedAt.getTime();
      if (waited < this.ctx.settings.adoptionGraceMs) return this.lookAgain(run, lease, ADOPTION_LOOK_MS);
      this.log.warn(
        `run ${run.id}: the build requested ${Math.round(waited / 1000)} s ago never appeared; asking again`,
      );
    }
    if ((await this.ctx.deployBranch.head(repository)) !== run.mirroredCommit) return this.end.remirror(run, lease);
    await this.ctx.ncp.sourceBuild.setDockerImageTag(buildProjectId, tag);
    const before = (await this.ctx.ncp.sourceBuild.listBuildHistory(buildProjectId)).map((b) => b.buildId);
    const requestedAt = new Date();
    const marked = await this.ctx.dataSource.transaction((m) =>
      this.ctx.runs.update(m, run, { buildRequestedAt: requestedAt, buildsBefore: before }, lease.token),
    );
    if (!marked) return;
    run = { ...run, buildRequestedAt: requestedAt, buildsBefore: before };
    lease.assertHeld('asking SourceBuild for a build');
    pausePoint('before-build-request');
    let buildId: string;
    try {
      buildId = (await this.ctx.ncp.sourceBuild.startBuild(buildProjectId)).buildId;
    } catch (error) {
      if (startCertainlyRefused(error))
        return this.failed(
          run,
          lease,
          null,
          null,
          errorInfo(error, `SourceBuild did not start the build: ${(error as Error).message}`),
        );
      // Maybe started: the mark stays, and NCP's history decides on the next look.
      this.log.warn(`run ${run.id}: the answer to "start build" was lost (${(error as Error).message}); adopting`);
      return this.lookAgain(run, lease, ADOPTION_LOOK_MS, errorInfo(error));
    }
    pausePoint('after-build-request');
    return this.started(run, lease, buildProjectId, buildId);
  }

  /** The build NCP started for this run: one its history shows that was not there before the request. */
  private async adoptable(run: Run, buildProjectId: number): Promise<string | undefined> {
    if (!run.buildRequestedAt) return undefined;
    const known = new Set(run.buildsBefore ?? []);
    const history = await this.ctx.ncp.sourceBuild.listBuildHistory(buildProjectId);
    const fresh = history.filter((b) => !known.has(b.buildId)).sort((a, b) => (a.begin ?? 0) - (b.begin ?? 0));
    return fresh[0]?.buildId;
  }

  private async started(run: Run, lease: RunLease, buildProjectId: number, buildId: string): Promise<void> {
    const now = new Date();
    const firstLook = await this.delay({ ...run, polls: 0 }, 0);
    const recorded = await this.ctx.dataSource.transaction(async (manager) => {
      // Recorded whatever else changed meanwhile (a cancel): an id NCP gave must never be lost.
      const ok = await this.ctx.runs.update(
        manager,
        run,
        { buildId, stepStartedAt: now, nextPollAt: new Date(now.getTime() + firstLook), polls: 0, lastError: null },
        lease.token,
      );
      if (!ok) return false;
      await this.ctx.runs.step(manager, run.id, 'build', {
        status: 'running',
        startedAt: now,
        ncp: { buildProjectId: String(buildProjectId), buildId },
      });
      await this.ctx.outbox.append(manager, [
        runEvents.buildStarted({ ...run, buildId }, String(buildProjectId), buildId),
      ]);
      return true;
    });
    if (!recorded) await this.orphaned(run, buildProjectId, buildId);
  }

  /**
   * This runner lost the run while NCP started its build (it was paused past its lease between
   * its last check and the request): unless the runner that took over adopted that very build,
   * nothing follows it, so it is cancelled rather than left to build beside the run's own.
   */
  private async orphaned(run: Run, buildProjectId: number, buildId: string): Promise<void> {
    const now = await this.ctx.runs.find(run.id);
    const adopted = now?.buildId === buildId;
    this.log.warn(
      `run ${run.id}: build ${buildId} not recorded here: another runner holds the run (${adopted ? 'it adopted this build' : 'cancelling this one'})`,
    );
    if (!adopted) await this.ctx.ncp.sourceBuild.cancelBuild(buildProjectId, buildId).catch(() => undefined);
  }

  private skip(run: Run, lease: RunLease) {
    return this.ctx.dataSource.transaction(async (manager) => {
      const ok = await this.ctx.runs.update(
        manager,
        run,
        {
          buildSkipped: true,
          status: 'deploying',
          nextPollAt: new Date(),
          stepDeadlineAt: this.ctx.deadline('deploy'),
        },
        lease.token,
      );
      if (ok) await this.ctx.runs.step(manager, run.id, 'build', { status: 'skipped' });
    });
  }

  private async succeeded(run: Run, lease: RunLease, durationMs: number): Promise<unknown> {
    const { name, tag } = this.ctx.parseImage(run.image!);
    if (!(await this.imageExists(name, tag))) {
      if (Date.now() - run.stepStartedAt!.getTime() > this.ctx.settings.stepTimeoutsMs.build + REGISTRY_GRACE_MS) {
        return this.failed(run, lease, 'success', 'upload', {
          message: `the build succeeded but NCR has no image ${run.image}`,
        });
      }
      return this.reschedule(run, lease);
    }
    return this.ctx.dataSource.transaction(async (manager) => {
      const ok = await this.ctx.runs.update(
        manager,
        run,
        {
          status: 'deploying',
          buildMs: durationMs,
          nextPollAt: new Date(),
          polls: 0,
          stepDeadlineAt: this.ctx.deadline('deploy'),
          lastError: null,
        },
        lease.token,
      );
      if (!ok) return;
      await this.ctx.runs.step(manager, run.id, 'build', { status: 'succeeded', finishedAt: new Date() });
      await this.ctx.outbox.append(manager, [runEvents.buildSucceeded(run, run.buildId!, Math.max(0, durationMs))]);
    });
  }

  private failed(
    run: Run,
    lease: RunLease,
    status: string | null,
    phase: string | null,
    error: { message: string; code?: string | null },
  ) {
    return this.ctx.dataSource.transaction(async (manager) => {
      await this.ctx.runs.step(manager, run.id, 'build', { failedPhase: phase });
      await this.ctx.finisher.finish(
        manager,
        run,
        {
          status: 'failed',
          reason: error.message,
          failedStep: 'build',
          stepError: error,
          events: [runEvents.buildFailed(run, status, phase, error)],
        },
        { holder: lease.token },
      );
    });
  }

  /** A cancelled run's build is cancelled at NCP. */
  private cancel(run: Run, lease: RunLease): Promise<unknown> {
    return this.stopAtNcp(run, lease, true, (stopped) => this.end.cancelled(stopped, run.reason, lease));
  }

  /**
   * Stops the build this run asked for, first adopting and recording one whose start's answer
   * never came (while it may still appear, and `waitForAdoption`, the run looks again soon):
   * every build NCP ran for a run stays on that run's record.
   */
  private async stopAtNcp(
    run: Run,
    lease: RunLease,
    waitForAdoption: boolean,
    end: (run: Run) => Promise<unknown>,
  ): Promise<unknown> {
    const project = (await this.ctx.projects.byId(this.ctx.dataSource.manager, run.projectId))!;
    const buildProjectId = Number(project.sourceBuildProjectId);
    let buildId = run.buildId;
    if (!buildId && run.buildRequestedAt) {
      buildId = (await this.adoptable(run, buildProjectId).catch(() => undefined)) ?? null;
      const waited = Date.now() - run.buildRequestedAt.getTime();
      if (!buildId && waitForAdoption && waited < this.ctx.settings.adoptionGraceMs)
        return this.lookAgain(run, lease, ADOPTION_LOOK_MS);
      if (buildId) await this.started(run, lease, buildProjectId, buildId);
    }
    if (buildId) {
      await this.ctx.ncp.sourceBuild.cancelBuild(buildProjectId, buildId).catch((error: unknown) => {
        // Already finished builds cannot be cancelled; anything else is worth a log line.
        if (!(error instanceof NcpApiError && error.status < 500))
          this.log.warn(`cancel of build ${buildId}: ${String(error)}`);
      });
    }
    return end({ ...run, buildId });
  }

  private lookAgain(run: Run, lease: RunLease, ms: number, lastError?: ReturnType<typeof errorInfo>) {
    return this.ctx.runs.updateNow(
      run,
      { nextPollAt: new Date(Date.now() + ms), ...(lastError ? { lastError } : {}) },
      lease.token,
    );
  }

  private async reschedule(run: Run, lease: RunLease): Promise<unknown> {
    const elapsed = Date.now() - run.stepStartedAt!.getTime();
    const delay = await this.delay({ ...run, polls: run.polls + 1 }, elapsed);
    return this.ctx.runs.updateNow(
      run,
      { nextPollAt: new Date(Date.now() + delay), polls: run.polls + 1 },
      lease.token,
    );
  }

  private async delay(run: Run, elapsedMs: number): Promise<number> {
    const recent = await this.ctx.runs.recentDurations(run.projectId);
    const expected = expectedDuration(recent.buildMs, DEFAULT_DURATIONS_MS.build);
    return nextPollDelay(elapsedMs, expected, run.polls);
  }

  private async imageExists(name: string, tag: string): Promise<boolean> {
    if (!this.ctx.ncp.registry)
      throw new Error('no container registry is configured (KLEPAAS_NCP_CONTAINER_REGISTRY_URL)');
    return this.ctx.ncp.registry.manifestExists(name, tag);
  }
}
