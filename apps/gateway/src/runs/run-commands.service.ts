import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createEnvelope, EventEnvelope, Events } from '@klepaas/contracts';
import type { Principal } from '@klepaas/auth';
import { OutboxStore } from '@klepaas/persistence';
import { FINISHED_RUN_STATUSES, ProjectView, RunView } from '@klepaas/read-model';
import { ProjectViews } from '../projects/project-views';
import type { DeployInput, RollbackInput, ScaleInput } from './run-input';
import { RunRequest, RunRequests } from './run-requests';
import { RunViews } from './run-views';

export interface RunAccepted {
  runId: string;
}

/**
 * The run commands (decision 1): checked against the caller, a run id minted here, and the
 * command event stored in the outbox in one transaction with the gateway's record of it. The
 * runner applies each command idempotently by that id, and decides (recording why) whether the
 * project can run it now.
 */
@Injectable()
export class RunCommandsService {
  private readonly requests = new RunRequests();

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxStore,
    private readonly projects: ProjectViews,
    private readonly runs: RunViews,
  ) {}

  async deploy(caller: Principal, projectId: string, input: DeployInput): Promise<RunAccepted> {
    await this.ownLiveProject(caller, projectId);
    const ref = input.ref ?? null;
    const commitSha = input.commitSha ?? null;
    return this.startRun(
      { projectId, ownerId: caller.userId, command: 'deploy', triggerType: 'manual', commitSha, ref },
      (runId) =>
        createEnvelope(
          Events.DeployRequested,
          { runId, projectId, requestedBy: caller.userId, ref, commitSha },
          { correlationId: runId },
        ),
    );
  }

  async rollback(caller: Principal, projectId: string, input: RollbackInput): Promise<RunAccepted> {
    await this.ownLiveProject(caller, projectId);
    const deploymentId = input.deploymentId ?? null;
    const commitSha = input.commitSha ?? null;
    // None of the three: the deployment before the current one.
    const stepsBack = input.stepsBack ?? (deploymentId || commitSha ? null : 1);
    return this.startRun(
      { projectId, ownerId: caller.userId, command: 'rollback', triggerType: 'rollback', commitSha },
      (runId) =>
        createEnvelope(
          Events.RollbackRequested,
          { runId, projectId, requestedBy: caller.userId, deploymentId, commitSha, stepsBack },
          { correlationId: runId },
        ),
    );
  }

  async scale(caller: Principal, projectId: string, input: ScaleInput): Promise<RunAccepted> {
    await this.ownLiveProject(caller, projectId);
    return this.startRun(
      { projectId, ownerId: caller.userId, command: 'scale', triggerType: 'scale', replicas: input.replicas },
      (runId) =>
        createEnvelope(
          Events.ScaleRequested,
          { runId, projectId, requestedBy: caller.userId, replicas: input.replicas },
          { correlationId: runId },
        ),
    );
  }

  /** Lifts the project's pin (the runner decides it in order with the project's other triggers). */
  async unpin(caller: Principal, projectId: string): Promise<{ projectId: string }> {
    await this.ownLiveProject(caller, projectId);
    await this.dataSource.transaction((manager) =>
      this.outbox.append(manager, [
        createEnvelope(
          Events.ProjectUnpinRequested,
          { projectId, requestedBy: caller.userId },
          { correlationId: projectId },
        ),
      ]),
    );
    return { projectId };
  }

  /** Only a run not finished; the runner cancels it (or ignores a run that ended meanwhile). */
  async cancel(caller: Principal, runId: string): Promise<RunAccepted> {
    const run = await this.ownRun(caller, runId);
    if (FINISHED_RUN_STATUSES.includes(run.status)) {
      throw new ConflictException(`run ${runId} has already finished (${run.status}): there is nothing to cancel`);
    }
    await this.dataSource.transaction((manager) =>
      this.outbox.append(manager, [
        createEnvelope(
          Events.RunCancelRequested,
          { runId, projectId: run.projectId, requestedBy: caller.userId },
          { correlationId: runId },
        ),
      ]),
    );
    return { runId };
  }

  /** Only a failed run; the retry is a new run (its id answered) that reuses what the failed one finished. */
  async retry(caller: Principal, runId: string): Promise<RunAccepted> {
    const run = await this.ownRun(caller, runId);
    if (run.status !== 'failed') {
      throw new ConflictException(`only a failed run can be retried; run ${runId} is ${run.status}`);
    }
    await this.ownLiveProject(caller, run.projectId);
    return this.startRun(
      {
        projectId: run.projectId,
        ownerId: caller.userId,
        command: 'retry',
        triggerType: run.trigger.type,
        commitSha: run.trigger.commitSha,
        ref: run.trigger.ref ?? null,
        replicas: run.replicas ?? null,
        retryOf: runId,
      },
      (newRunId) =>
        createEnvelope(
          Events.RunRetryRequested,
          { runId: newRunId, retryOf: runId, projectId: run.projectId, requestedBy: caller.userId },
          { correlationId: newRunId },
        ),
    );
  }

  private async startRun(
    request: Pick<RunRequest, 'projectId' | 'ownerId' | 'command' | 'triggerType'> &
      Partial<Pick<RunRequest, 'commitSha' | 'ref' | 'replicas' | 'retryOf'>>,
    command: (runId: string) => EventEnvelope,
  ): Promise<RunAccepted> {
    const runId = randomUUID();
    const envelope = command(runId);
    await this.dataSource.transaction(async (manager) => {
      await this.requests.record(manager, {
        commitSha: null,
        ref: null,
        replicas: null,
        retryOf: null,
        ...request,
        runId,
      });
      await this.outbox.append(manager, [envelope]);
    });
    return { runId };
  }

  private async ownLiveProject(caller: Principal, projectId: string): Promise<ProjectView> {
    const project = await this.projects.find(projectId, caller.userId);
    if (!project || project.status === 'deleted') throw new NotFoundException(`project ${projectId} not found`);
    if (project.status === 'deleting') throw new ConflictException(`project ${projectId} is being deleted`);
    return project;
  }

  private async ownRun(caller: Principal, runId: string): Promise<RunView> {
    const run = await this.runs.find(runId, caller.userId);
    if (!run) throw new NotFoundException(`run ${runId} not found`);
    return run;
  }
}
