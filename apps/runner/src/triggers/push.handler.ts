import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  createEnvelope,
  EventEnvelope,
  Events,
  PushReceivedPayload,
  ReleasePublishedPayload,
} from '@klepaas/contracts';
import { OutboxStore } from '@klepaas/persistence';
import { judgePush, SkipRule } from '../policy/push-policy';
import { RunnerProjectsRepository } from '../projects/runner-projects.repository';
import { QueueRun } from '../runs/queue-run';
import { MergeCheck } from './merge-check';
import { randomUUID } from 'node:crypto';

/**
 * A push or a published release: deploy (one run per delivery) or record why not (DeliverySkipped
 * with the rule). A release deploys its tag's commit, ignores the branch rule, obeys auto-deploy.
 */
@Injectable()
export class PushHandler {
  constructor(
    private readonly projects: RunnerProjectsRepository,
    private readonly queue: QueueRun,
    private readonly mergeCheck: MergeCheck,
    private readonly outbox: OutboxStore,
  ) {}

  async push(manager: EntityManager, envelope: EventEnvelope<string, PushReceivedPayload>): Promise<void> {
    const push = envelope.payload;
    const project = await this.projects.byRepository(manager, push.repository.id);
    const verdict = judgePush(project, push);
    if (!verdict.deploy) return this.skip(manager, envelope, project?.projectId ?? null, verdict.rule, verdict.reason);
    if (project!.settings.mergeOnly && !(await this.mergeCheck.isMergeCommit(manager, project!, push.after))) {
      return this.skip(
        manager,
        envelope,
        project!.projectId,
        'merge-only',
        `${push.after.slice(0, 7)} is not the merge commit of a merged pull request`,
      );
    }
    await this.queue.queue(
      manager,
      {
        id: randomUUID(),
        projectId: project!.projectId,
        triggerType: 'push',
        requestedAt: new Date(envelope.occurredAt),
        deliveryId: push.deliveryId,
        ref: push.ref,
        commitSha: push.after,
        commitMessage: push.headCommit?.message ?? null,
        actor: push.pusher.name ?? push.sender?.login ?? null,
      },
      envelope.id,
    );
  }

  async release(manager: EntityManager, envelope: EventEnvelope<string, ReleasePublishedPayload>): Promise<void> {
    const release = envelope.payload;
    const project = await this.projects.byRepository(manager, release.repository.id);
    if (!project)
      return this.skip(
        manager,
        envelope,
        null,
        'no-project',
        `no project is registered for ${release.repository.fullName}`,
      );
    if (project.status !== 'ready')
      return this.skip(
        manager,
        envelope,
        project.projectId,
        'project-not-ready',
        `the project is ${project.status}, not ready`,
      );
    if (!project.settings.autoDeploy) {
      return this.skip(
        manager,
        envelope,
        project.projectId,
        'auto-deploy-off',
        project.autoDeployReason ?? 'auto-deploy is off for this project',
      );
    }
    await this.queue.queue(
      manager,
      {
        id: randomUUID(),
        projectId: project.projectId,
        triggerType: 'release',
        requestedAt: new Date(envelope.occurredAt),
        deliveryId: release.deliveryId,
        ref: release.release.tagName,
        actor: release.sender?.login ?? null,
      },
      envelope.id,
    );
  }

  private async skip(
    manager: EntityManager,
    envelope: EventEnvelope,
    projectId: string | null,
    rule: SkipRule,
    reason: string,
  ) {
    const deliveryId = (envelope.payload as { deliveryId: string }).deliveryId;
    await this.outbox.append(manager, [
      createEnvelope(
        Events.DeliverySkipped,
        { deliveryId, projectId, rule, reason },
        { correlationId: deliveryId, causationId: envelope.id },
      ),
    ]);
  }
}
