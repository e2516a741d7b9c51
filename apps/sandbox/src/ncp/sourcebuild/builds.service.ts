import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { uuid } from '../../common/ids';
import { delay, JobAborted, JobControllers, untilAborted } from '../../common/jobs';
import { ResetHooks } from '../../common/reset-hooks';
import { BuildFailedPhase } from '../../faults/fault-rule';
import { FaultsService } from '../../faults/faults.service';
import { TimingsService } from '../../timings/timings.service';
import { badRequest } from '../ncp-error';
import type { BuildProject } from './build-projects.store';
import { BuildOutcome, BuildWork } from './build-work';

/** SourceBuild's status values (docs/ncp.md, api §4.4). */
export type BuildStatus = 'prepare' | 'upload' | 'success' | 'fail' | 'canceled';

export interface Build {
  projectId: number;
  buildId: string;
  status: BuildStatus;
  failedPhase: BuildFailedPhase | null;
  begin: number;
  end: number | null;
  userId: string;
  /** Sandbox-only facts (GET /_sandbox/builds/{buildId}); never part of NCP's shapes. */
  sandbox: {
    branch: string;
    commit?: string;
    images: string[];
    reason?: string;
    fault?: string;
    startedBy: 'api' | 'pipeline';
  };
}

/** The share of a build's length spent in `upload` (the rest is `prepare`, which includes the build itself). */
const UPLOAD_SHARE = 0.2;

/**
 * Runs builds through NCP's state machine: `prepare → upload → success`, or `fail` with a
 * failedPhase, or `canceled`. A fault rule can make a build fail or hang (stay in `prepare`
 * until cancelled or until the rule is cleared, when it goes on as normal).
 */
@Injectable()
export class BuildsService implements OnModuleDestroy {
  private readonly logger = new Logger('SourceBuild');
  private readonly builds = new Map<string, Build>();
  private readonly done = new Map<string, Promise<Build>>();
  private readonly jobs = new JobControllers<string>();

  constructor(
    private readonly work: BuildWork,
    private readonly faults: FaultsService,
    private readonly timings: TimingsService,
    resetHooks: ResetHooks,
  ) {
    resetHooks.register(() => {
      this.jobs.abortAll();
      this.builds.clear();
      this.done.clear();
    });
  }

  onModuleDestroy(): void {
    this.jobs.abortAll();
  }

  start(project: BuildProject, options: { branch?: string; startedBy?: 'api' | 'pipeline' } = {}): Build {
    const branch = options.branch ?? project.source.config.branch;
    const build: Build = {
      projectId: project.id,
      buildId: uuid(),
      status: 'prepare',
      failedPhase: null,
      begin: Date.now(),
      end: null,
      userId: 'sandbox-user',
      sandbox: { branch, images: [], startedBy: options.startedBy ?? 'api' },
    };
    this.builds.set(build.buildId, build);
    const signal = this.jobs.start(build.buildId);
    const timeoutMs = (project.env.timeout ?? 60) * 60_000;
    const run = Promise.race([
      this.run(build, project, signal),
      delay(timeoutMs, signal).then(() =>
        this.finish(build, 'fail', 'timeout', `build exceeded env.timeout (${timeoutMs / 60_000} min)`),
      ),
    ])
      .catch((error: unknown) => {
        if (!(error instanceof JobAborted)) {
          this.logger.error(`build ${build.buildId} crashed: ${String(error)}`);
          this.finish(build, 'fail', build.status === 'upload' ? 'upload' : 'prepare', String(error));
        }
      })
      .then(() => {
        // Aborting the finished job's signal also clears its pending timeout timer.
        this.jobs.abort(build.buildId);
        return build;
      });
    this.done.set(build.buildId, run);
    return build;
  }

  cancel(projectId: number, buildId: string): void {
    const build = this.builds.get(buildId);
    if (!build || build.projectId !== projectId) throw badRequest(`build ${buildId} not found in project ${projectId}`);
    if (build.status !== 'prepare' && build.status !== 'upload')
      throw badRequest(`build ${buildId} already ended (${build.status})`);
    this.jobs.abort(buildId);
    this.finish(build, 'canceled', null);
  }

  /** Cancels whatever of a project still runs (the project is being deleted). */
  cancelAll(projectId: number): void {
    for (const build of this.history(projectId))
      if (build.status === 'prepare' || build.status === 'upload') this.cancel(projectId, build.buildId);
  }

  find(buildId: string): Build | undefined {
    return this.builds.get(buildId);
  }

  /** Resolves with the build once it has ended (any way). */
  whenFinished(buildId: string): Promise<Build> {
    return this.done.get(buildId) ?? Promise.reject(new Error(`unknown build ${buildId}`));
  }

  /** A project's builds, newest first. */
  history(projectId: number): Build[] {
    return [...this.builds.values()].filter((b) => b.projectId === projectId).sort((a, b) => b.begin - a.begin);
  }

  private async run(build: Build, project: BuildProject, signal: AbortSignal): Promise<void> {
    const fault = this.faults.takeJobFault('sourcebuild', project);
    if (fault) build.sandbox.fault = fault.id;
    if (fault?.effect === 'hang') await Promise.race([this.faults.untilCleared(fault.id), untilAborted(signal)]);
    const totalMs = this.timings.buildMsFor(project);
    const uploadMs = Math.round(totalMs * UPLOAD_SHARE);
    const injected: BuildOutcome | undefined =
      fault?.effect === 'fail'
        ? {
            ok: false,
            failedPhase: fault.failedPhase ?? 'build',
            reason: fault.reason ?? `failed by sandbox fault ${fault.id}`,
          }
        : undefined;
    const [outcome] = await Promise.all([
      injected ?? this.work.inspect(project, build.sandbox.branch),
      delay(totalMs - uploadMs, signal),
    ]);
    if (signal.aborted) return;
    if (!outcome.ok) build.sandbox.commit = outcome.commit;
    if (!outcome.ok && outcome.failedPhase !== 'upload')
      return this.finish(build, 'fail', outcome.failedPhase, outcome.reason);
    build.status = 'upload';
    await delay(uploadMs, signal);
    if (!outcome.ok) return this.finish(build, 'fail', outcome.failedPhase, outcome.reason);
    build.sandbox.commit = outcome.commit;
    build.sandbox.images = this.work.publish(outcome, build.buildId);
    this.finish(build, 'success', null);
  }

  private finish(
    build: Build,
    status: 'success' | 'fail' | 'canceled',
    failedPhase: BuildFailedPhase | null,
    reason?: string,
  ): void {
    if (build.end !== null) return;
    build.status = status;
    build.failedPhase = failedPhase;
    build.end = Date.now();
    if (reason) build.sandbox.reason = reason;
  }
}
