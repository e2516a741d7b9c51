import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { createEnvelope, Events } from '@klepaas/contracts';
import { OutboxStore } from '@klepaas/persistence';
import type { SkipRule } from '../policy/push-policy';
import type { DesiredState, RunnerProject } from '../projects/runner-project';
import { RunnerProjectsRepository } from '../projects/runner-projects.repository';
import { QueueRun } from '../runs/queue-run';
import { LIVE } from '../runs/run';
import { NewRun } from '../runs/run-recorder';
import { RunsRepository } from '../runs/runs.repository';
import { Decision, decide, DesiredContent, desiredChanged, Situation } from './decide';
import { deliveryIdOf, Lookups, promisedRunId, QueuedTrigger } from './trigger';
import { TriggerQueue } from './trigger-queue';

/**
 * Decides one trigger and writes the outcome in one transaction, under the project's lock and
 * only while this runner holds the project's trigger queue: the desired state (with its new
 * version, announced as DesiredStateChanged), the branch head, the run that gets there (older
 * queued or mirroring runs superseded), or the skip or refusal with its reason.
 */
@Injectable()
export class ApplyTrigger {
  private readonly log = new Logger(ApplyTrigger.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly projects: RunnerProjectsRepository,
    private readonly runs: RunsRepository,
    private readonly queue: QueueRun,
    private readonly triggers: TriggerQueue,
    private readonly outbox: OutboxStore,
  ) {}

  async apply(trigger: QueuedTrigger, token: string, lookups: Lookups): Promise<Decision> {
    return this.dataSource.transaction(async (manager) => {
      await this.runs.lockProject(manager, trigger.projectId);
      const project = (await this.projects.byId(manager, trigger.projectId))!;
      const decision = decide(trigger.input, await this.situation(manager, project, trigger), lookups);
      await this.write(manager, trigger, token, project, decision, lookups);
      return decision;
    });
  }

  /** What GitHub could not tell in time: automatic triggers are skipped, commands refused. */
  async giveUp(trigger: QueuedTrigger, token: string, why: string): Promise<void> {
    const input = trigger.input;
    if (input.kind === 'unpin') {
      await this.apply(trigger, token, {});
      return;
    }
    const decision: Decision =
      promisedRunId(input) !== null
        ? { outcome: 'refuse', reason: why }
        : { outcome: 'skip', rule: 'github-unavailable', reason: why };
    await this.dataSource.transaction(async (manager) => {
      await this.runs.lockProject(manager, trigger.projectId);
      const project = (await this.projects.byId(manager, trigger.projectId))!;
      await this.write(manager, trigger, token, project, decision, {});
    });
  }

  private async situation(manager: EntityManager, project: RunnerProject, trigger: QueuedTrigger): Promise<Situation> {
    const live = (await this.runs.ofProject(manager, project.projectId, LIVE)).map((r) => ({
      id: r.id,
      status: r.status,
      commitSha: r.commitSha,
      replicas: r.replicas,
    }));
    const input = trigger.input;
    const situation: Situation = { project, live, now: new Date() };
    if (input.kind === 'rollback') {
      situation.deployments = (await this.runs.succeeded(manager, project.projectId, 50)).map((r) => ({
        runId: r.id,
        commitSha: r.commitSha!,
        commitMessage: r.commitMessage,
      }));
    }
    if (input.kind === 'retry') {
      const failed = await this.runs.find(input.retryOf, manager);
      situation.failed = failed && { ...failed, triggerType: failed.triggerType };
    }
    return situation;
  }

  private async write(
    manager: EntityManager,
    trigger: QueuedTrigger,
    token: string,
    project: RunnerProject,
    decision: Decision,
    lookups: Lookups,
  ): Promise<void> {
    const input = trigger.input;
    const deliveryId = deliveryIdOf(input);
    if (decision.outcome !== 'refuse' && decision.branchHead !== undefined)
      await this.projects.setBranchHead(manager, project.projectId, decision.branchHead, lookups.etag);
    else if (input.kind === 'reconcile') await this.projects.touchBranchCheck(manager, project.projectId);

    if (decision.outcome === 'skip') {
      if (deliveryId)
        await this.skipped(manager, trigger, project.projectId, deliveryId, decision.rule, decision.reason);
      await this.triggers.decided(manager, trigger, token, 'skipped', decision.rule, decision.reason);
      return;
    }
    if (decision.outcome === 'refuse') {
      const runId = promisedRunId(input);
      if (runId)
        await this.queue.refuse(manager, this.runSpec(trigger, project, runId), trigger.causationId, decision.reason);
      else this.log.log(`${input.kind} for project ${project.projectId} changed nothing: ${decision.reason}`);
      await this.triggers.decided(manager, trigger, token, 'skipped', null, decision.reason);
      return;
    }
    let desired = project.desired;
    if (decision.desired && desiredChanged(desired, decision.desired)) {
      desired = { ...decision.desired, version: desired.version + 1 };
      await this.projects.setDesired(manager, project.projectId, desired);
      await this.outbox.append(manager, [this.desiredChanged(project, desired, decision.desired, trigger)]);
    }
    if (decision.run) {
      const runId = promisedRunId(input) ?? randomUUID();
      await this.queue.queue(
        manager,
        {
          ...this.runSpec(trigger, project, runId),
          triggerType: decision.run.triggerType,
          triggerReason: decision.run.reason,
          rollbackOf: decision.run.rollbackOf ?? null,
          retryOf: decision.run.retryOf ?? null,
          commitSha: desired.commitSha,
          commitMessage: desired.commitMessage,
          replicas: desired.replicas,
          desiredVersion: desired.version,
        },
        trigger.causationId,
      );
    }
    await this.triggers.decided(manager, trigger, token, 'applied');
  }

  private runSpec(trigger: QueuedTrigger, project: RunnerProject, runId: string): NewRun {
    const input = trigger.input;
    const type = input.kind === 'retry' || input.kind === 'unpin' || input.kind === 'settings' ? 'manual' : input.kind;
    return {
      id: runId,
      projectId: project.projectId,
      triggerType: type,
      requestedAt: trigger.createdAt,
      deliveryId: deliveryIdOf(input),
      ref: 'ref' in input ? input.ref : input.kind === 'release' ? input.tag : null,
      actor: 'actor' in input ? input.actor : null,
      commitSha: 'commitSha' in input ? input.commitSha : null,
      replicas: input.kind === 'scale' ? input.replicas : null,
      ...(input.kind === 'retry' ? { retryOf: input.retryOf } : {}),
    };
  }

  private async skipped(
    manager: EntityManager,
    trigger: QueuedTrigger,
    projectId: string,
    deliveryId: string,
    rule: SkipRule,
    reason: string,
  ): Promise<void> {
    await this.outbox.append(manager, [
      createEnvelope(
        Events.DeliverySkipped,
        { deliveryId, projectId, rule, reason },
        { correlationId: deliveryId, causationId: trigger.causationId },
      ),
    ]);
  }

  private desiredChanged(
    project: RunnerProject,
    desired: DesiredState,
    content: DesiredContent,
    trigger: QueuedTrigger,
  ) {
    const input = trigger.input;
    const type = input.kind === 'retry' ? 'manual' : input.kind;
    return createEnvelope(
      Events.DesiredStateChanged,
      {
        projectId: project.projectId,
        version: desired.version,
        commitSha: content.commitSha,
        commitMessage: content.commitMessage,
        replicas: content.replicas,
        pin: content.pin,
        cause: {
          type,
          actor: 'actor' in input ? input.actor : null,
          runId: promisedRunId(input),
          deliveryId: deliveryIdOf(input),
        },
      },
      { correlationId: project.projectId, causationId: trigger.causationId },
    );
  }
}
