import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  DeployRequestedPayload,
  EventEnvelope,
  RollbackRequestedPayload,
  RunRetryRequestedPayload,
  ScaleRequestedPayload,
} from '@klepaas/contracts';
import { RunnerProjectsRepository } from '../projects/runner-projects.repository';
import { FinishRun } from '../runs/finish-run';
import { QueueRun, NewRun } from '../runs/queue-run';
import { Run } from '../runs/run';
import { RunsRepository } from '../runs/runs.repository';

/**
 * Manual deploy, rollback, scale and retry: they skip the push rules and need only a ready
 * project (decision 4). The gateway has already answered with the run id, so a request that
 * cannot run still makes that run, ended failed with the reason.
 */
@Injectable()
export class ManualHandler {
  constructor(
    private readonly projects: RunnerProjectsRepository,
    private readonly runs: RunsRepository,
    private readonly queue: QueueRun,
    private readonly finish: FinishRun,
  ) {}

  async deploy(manager: EntityManager, envelope: EventEnvelope<string, DeployRequestedPayload>): Promise<void> {
    const p = envelope.payload;
    await this.queueIfReady(manager, envelope.id, {
      id: p.runId,
      projectId: p.projectId,
      triggerType: 'manual',
      requestedAt: new Date(envelope.occurredAt),
      ref: p.ref,
      commitSha: p.commitSha,
      actor: p.requestedBy,
    });
  }

  async rollback(manager: EntityManager, envelope: EventEnvelope<string, RollbackRequestedPayload>): Promise<void> {
    const p = envelope.payload;
    const spec: NewRun = {
      id: p.runId,
      projectId: p.projectId,
      triggerType: 'rollback',
      actor: p.requestedBy,
      requestedAt: new Date(envelope.occurredAt),
    };
    const deployed = await this.runs.succeeded(manager, p.projectId, 50);
    const target = p.deploymentId
      ? deployed.find((r) => r.id === p.deploymentId)
      : p.commitSha
        ? deployed.find((r) => r.commitSha === p.commitSha)
        : deployed[p.stepsBack ?? 1];
    if (!target) {
      const which = p.deploymentId
        ? `deployment ${p.deploymentId}`
        : p.commitSha
          ? `commit ${p.commitSha.slice(0, 7)}`
          : `${p.stepsBack ?? 1} deployment(s) back`;
      return this.refuse(manager, envelope.id, spec, `there is no earlier successful deployment of ${which}`);
    }
    await this.queueIfReady(manager, envelope.id, { ...spec, ...fromDeployment(target), rollbackOf: target.id });
  }

  async scale(manager: EntityManager, envelope: EventEnvelope<string, ScaleRequestedPayload>): Promise<void> {
    const p = envelope.payload;
    const spec: NewRun = {
      id: p.runId,
      projectId: p.projectId,
      triggerType: 'scale',
      actor: p.requestedBy,
      replicas: p.replicas,
      requestedAt: new Date(envelope.occurredAt),
    };
    const [current] = await this.runs.succeeded(manager, p.projectId, 1);
    if (!current) return this.refuse(manager, envelope.id, spec, 'nothing is deployed yet to scale');
    await this.queueIfReady(manager, envelope.id, { ...spec, ...fromDeployment(current), replicas: p.replicas });
  }

  async retry(manager: EntityManager, envelope: EventEnvelope<string, RunRetryRequestedPayload>): Promise<void> {
    const p = envelope.payload;
    const failed = await this.runs.find(p.retryOf, manager);
    const spec: NewRun = {
      id: p.runId,
      projectId: p.projectId,
      triggerType: failed?.triggerType ?? 'manual',
      actor: p.requestedBy,
      retryOf: p.retryOf,
      requestedAt: new Date(envelope.occurredAt),
    };
    if (!failed || failed.projectId !== p.projectId || failed.status !== 'failed') {
      return this.refuse(manager, envelope.id, spec, `run ${p.retryOf} is not a failed run of this project`);
    }
    // The same commit, image and replicas: whatever the failed run finished (an image already
    // built) is not done again, since the build step skips an image the registry already has.
    await this.queueIfReady(manager, envelope.id, {
      ...spec,
      deliveryId: null,
      ref: failed.ref,
      commitSha: failed.commitSha,
      commitMessage: failed.commitMessage,
      image: failed.image,
      tag: failed.tag,
      replicas: failed.replicas,
      rollbackOf: failed.rollbackOf,
    });
  }

  private async queueIfReady(manager: EntityManager, causationId: string, spec: NewRun): Promise<void> {
    if (await this.runs.find(spec.id, manager)) return; // the same command twice makes one run
    const project = await this.projects.byId(manager, spec.projectId);
    if (!project || project.status !== 'ready') {
      return this.refuse(manager, causationId, spec, `the project is ${project?.status ?? 'unknown'}, not ready`);
    }
    await this.queue.queue(manager, spec, causationId);
  }

  /** The run the user was promised exists, ended failed at once with the reason. */
  private async refuse(manager: EntityManager, causationId: string, spec: NewRun, reason: string): Promise<void> {
    if (await this.runs.find(spec.id, manager)) return;
    const run = await this.queue.record(manager, spec, causationId);
    await this.finish.finish(manager, run, { status: 'failed', reason });
  }
}

function fromDeployment(run: Run): Partial<NewRun> {
  return {
    ref: run.ref,
    commitSha: run.commitSha,
    commitMessage: run.commitMessage,
    image: run.image,
    tag: run.tag,
    replicas: run.replicas,
  };
}
