import { Injectable, Logger } from '@nestjs/common';
import { isTerminalBuildStatus, NcpApiError } from '@klepaas/ncp';
import { errorInfo } from '../runs/error-info';
import { Run } from '../runs/run';
import { runEvents } from '../runs/run-events';
import { expectedDuration, nextPollDelay } from './poll-schedule';
import { DEFAULT_DURATIONS_MS, RunContext, STEP_TIMEOUTS_MS } from './run-context';

/** How long a built image may take to show up in the registry before the run fails. */
const REGISTRY_GRACE_MS = 60_000;

/**
 * The build step: an image already in the registry (a redeploy, a retry after a failed deploy,
 * a rollback, a scale) is not built again; otherwise the run's tag is set on the SourceBuild
 * project and a build started, then followed to its end; a success counts only once NCR has
 * the image. A `fail` ends the run failed at build with NCP's failedPhase.
 */
@Injectable()
export class BuildStep {
  private readonly log = new Logger(BuildStep.name);

  constructor(private readonly ctx: RunContext) {}

  async advance(run: Run): Promise<unknown> {
    const project = (await this.ctx.projects.byId(this.ctx.dataSource.manager, run.projectId))!;
    const buildProjectId = Number(project.sourceBuildProjectId);
    if (run.cancelRequested) return this.cancel(run, buildProjectId);
    if (!run.buildId) return this.start(run, buildProjectId);
    const build = await this.ctx.ncp.sourceBuild.findBuild(buildProjectId, run.buildId);
    const status = build?.status ?? null;
    if (status === 'success') return this.succeeded(run, (build!.end ?? Date.now()) - (build!.begin ?? Date.now()));
    if (isTerminalBuildStatus(status)) {
      const phase = build?.failedPhase ?? null;
      return this.failed(
        run,
        status,
        phase,
        `SourceBuild build ${run.buildId} ended ${status}${phase ? ` at ${phase}` : ''}`,
      );
    }
    if (Date.now() > run.stepDeadlineAt!.getTime()) {
      await this.ctx.ncp.sourceBuild.cancelBuild(buildProjectId, run.buildId).catch(() => undefined);
      return this.failed(
        run,
        status,
        'timeout',
        `the build took longer than ${STEP_TIMEOUTS_MS.build / 60_000} minutes`,
      );
    }
    return this.reschedule(run);
  }

  private async start(run: Run, buildProjectId: number): Promise<unknown> {
    const { name, tag } = this.ctx.parseImage(run.image!);
    if (!run.buildRequestedAt && (await this.imageExists(name, tag))) {
      return this.ctx.dataSource.transaction(async (manager) => {
        if (
          !(await this.ctx.runs.update(manager, run, {
            buildSkipped: true,
            status: 'deploying',
            nextPollAt: new Date(),
          }))
        )
          return;
        await this.ctx.runs.step(manager, run.id, 'build', { status: 'skipped' });
      });
    }
    // A runner that died after asking NCP for a build, before storing its id, adopts that build.
    const adopted = run.buildRequestedAt
      ? await this.findRequestedBuild(buildProjectId, run.buildRequestedAt)
      : undefined;
    let buildId = adopted;
    if (!buildId) {
      const requestedAt = new Date();
      const marked = await this.ctx.dataSource.transaction((m) =>
        this.ctx.runs.update(m, run, { buildRequestedAt: requestedAt }),
      );
      if (!marked) return;
      run = { ...run, buildRequestedAt: requestedAt, version: run.version + 1 };
      try {
        buildId = (await this.ctx.ncp.sourceBuild.startBuildWithImageTag(buildProjectId, tag)).buildId;
      } catch (error) {
        return this.failed(run, null, null, `SourceBuild did not start the build: ${(error as Error).message}`, error);
      }
    }
    const now = new Date();
    const firstLook = await this.delay({ ...run, polls: 0 }, 0);
    return this.ctx.dataSource.transaction(async (manager) => {
      const started = { ...run, buildId };
      const ok = await this.ctx.runs.update(manager, run, {
        buildId,
        stepStartedAt: now,
        stepDeadlineAt: new Date(now.getTime() + STEP_TIMEOUTS_MS.build),
        nextPollAt: new Date(now.getTime() + firstLook),
        polls: 0,
      });
      if (!ok) return;
      await this.ctx.runs.step(manager, run.id, 'build', {
        status: 'running',
        startedAt: now,
        ncp: { buildProjectId: String(buildProjectId), buildId },
      });
      await this.ctx.outbox.append(manager, [runEvents.buildStarted(started, String(buildProjectId), buildId!)]);
    });
  }

  private async succeeded(run: Run, durationMs: number): Promise<unknown> {
    const { name, tag } = this.ctx.parseImage(run.image!);
    if (!(await this.imageExists(name, tag))) {
      if (Date.now() - run.stepStartedAt!.getTime() > STEP_TIMEOUTS_MS.build + REGISTRY_GRACE_MS) {
        return this.failed(run, 'success', 'upload', `the build succeeded but NCR has no image ${run.image}`);
      }
      return this.reschedule(run);
    }
    return this.ctx.dataSource.transaction(async (manager) => {
      const ok = await this.ctx.runs.update(manager, run, {
        status: 'deploying',
        buildMs: durationMs,
        nextPollAt: new Date(),
        polls: 0,
      });
      if (!ok) return;
      await this.ctx.runs.step(manager, run.id, 'build', { status: 'succeeded', finishedAt: new Date() });
      await this.ctx.outbox.append(manager, [runEvents.buildSucceeded(run, run.buildId!, Math.max(0, durationMs))]);
    });
  }

  private failed(run: Run, status: string | null, phase: string | null, message: string, cause?: unknown) {
    const error = cause ? errorInfo(cause, message) : { message };
    return this.ctx.dataSource.transaction(async (manager) => {
      await this.ctx.runs.step(manager, run.id, 'build', { failedPhase: phase });
      await this.ctx.finisher.finish(manager, run, {
        status: 'failed',
        reason: message,
        failedStep: 'build',
        stepError: error,
        events: [runEvents.buildFailed(run, status, phase, error)],
      });
    });
  }

  private async cancel(run: Run, buildProjectId: number): Promise<unknown> {
    if (run.buildId) {
      await this.ctx.ncp.sourceBuild.cancelBuild(buildProjectId, run.buildId).catch((error: unknown) => {
        // Already finished builds cannot be cancelled; anything else is worth a log line.
        if (!(error instanceof NcpApiError && error.status < 500))
          this.log.warn(`cancel of build ${run.buildId}: ${String(error)}`);
      });
    }
    return this.ctx.dataSource.transaction((manager) =>
      this.ctx.finisher.finish(manager, run, { status: 'cancelled', reason: run.reason ?? 'cancelled' }),
    );
  }

  private async reschedule(run: Run): Promise<unknown> {
    const elapsed = Date.now() - run.stepStartedAt!.getTime();
    const delay = await this.delay({ ...run, polls: run.polls + 1 }, elapsed);
    return this.ctx.dataSource.transaction((m) =>
      this.ctx.runs.update(m, run, { nextPollAt: new Date(Date.now() + delay), polls: run.polls + 1 }),
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

  private async findRequestedBuild(buildProjectId: number, requestedAt: Date): Promise<string | undefined> {
    const history = await this.ctx.ncp.sourceBuild.listBuildHistory(buildProjectId);
    const candidate = history
      .filter((b) => (b.begin ?? 0) >= requestedAt.getTime() - 5_000)
      .sort((a, b) => (a.begin ?? 0) - (b.begin ?? 0))[0];
    return candidate?.buildId;
  }
}
