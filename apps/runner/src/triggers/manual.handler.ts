import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  DeployRequestedPayload,
  EventEnvelope,
  ProjectUnpinRequestedPayload,
  RollbackRequestedPayload,
  RunRetryRequestedPayload,
  ScaleRequestedPayload,
} from '@klepaas/contracts';
import { GITHUB_GIVE_UP_MS, TriggerQueue } from '../desired/trigger-queue';
import type { TriggerInput } from '../desired/trigger';
import { RunnerProjectsRepository } from '../projects/runner-projects.repository';
import { QueueRun } from '../runs/queue-run';
import { RunsRepository } from '../runs/runs.repository';

/**
 * Manual deploy, rollback, scale, retry and unpin: they skip the push rules (decision 4) and join
 * the project's trigger queue behind whatever came before them. The gateway has already answered
 * with the run id, so a command for a project the runner does not know still makes that run,
 * ended failed with the reason.
 */
@Injectable()
export class ManualHandler {
  constructor(
    private readonly projects: RunnerProjectsRepository,
    private readonly runs: RunsRepository,
    private readonly triggers: TriggerQueue,
    private readonly queue: QueueRun,
  ) {}

  deploy(manager: EntityManager, envelope: EventEnvelope<string, DeployRequestedPayload>): Promise<void> {
    const p = envelope.payload;
    const input: TriggerInput = {
      kind: 'manual',
      runId: p.runId,
      ref: p.ref,
      commitSha: p.commitSha,
      actor: p.requestedBy,
    };
    return this.enqueue(manager, envelope, p.projectId, input, GITHUB_GIVE_UP_MS);
  }

  rollback(manager: EntityManager, envelope: EventEnvelope<string, RollbackRequestedPayload>): Promise<void> {
    const p = envelope.payload;
    return this.enqueue(manager, envelope, p.projectId, {
      kind: 'rollback',
      runId: p.runId,
      deploymentId: p.deploymentId,
      commitSha: p.commitSha,
      stepsBack: p.stepsBack,
      actor: p.requestedBy,
    });
  }

  scale(manager: EntityManager, envelope: EventEnvelope<string, ScaleRequestedPayload>): Promise<void> {
    const p = envelope.payload;
    const input: TriggerInput = { kind: 'scale', runId: p.runId, replicas: p.replicas, actor: p.requestedBy };
    return this.enqueue(manager, envelope, p.projectId, input);
  }

  retry(manager: EntityManager, envelope: EventEnvelope<string, RunRetryRequestedPayload>): Promise<void> {
    const p = envelope.payload;
    const input: TriggerInput = { kind: 'retry', runId: p.runId, retryOf: p.retryOf, actor: p.requestedBy };
    return this.enqueue(manager, envelope, p.projectId, input);
  }

  async unpin(manager: EntityManager, envelope: EventEnvelope<string, ProjectUnpinRequestedPayload>): Promise<void> {
    const p = envelope.payload;
    if (!(await this.projects.byId(manager, p.projectId))) return;
    await this.triggers.enqueue(
      manager,
      p.projectId,
      { kind: 'unpin', actor: p.requestedBy },
      envelope.id,
      GITHUB_GIVE_UP_MS,
    );
  }

  private async enqueue(
    manager: EntityManager,
    envelope: EventEnvelope,
    projectId: string,
    input: Extract<TriggerInput, { runId: string }>,
    giveUpAfterMs?: number,
  ): Promise<void> {
    if (await this.runs.find(input.runId, manager)) return; // the same command twice makes one run
    const project = await this.projects.byId(manager, projectId);
    if (!project) {
      const spec = {
        id: input.runId,
        projectId,
        triggerType: input.kind === 'retry' ? ('manual' as const) : input.kind,
        requestedAt: new Date(envelope.occurredAt),
        actor: input.actor,
      };
      return this.queue.refuse(manager, spec, envelope.id, 'the project is unknown, not ready');
    }
    await this.triggers.enqueue(manager, projectId, input, envelope.id, giveUpAfterMs);
  }
}
