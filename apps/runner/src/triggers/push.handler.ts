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
import { GITHUB_GIVE_UP_MS, TriggerQueue } from '../desired/trigger-queue';
import { judgePush, SkipRule } from '../policy/push-policy';
import { RunnerProjectsRepository } from '../projects/runner-projects.repository';

/**
 * A push or a published release. The rules that need nothing but the payload are judged here
 * (a "no" is recorded as DeliverySkipped with the rule); the rest — the branch head GitHub
 * reports, merge-only, the tag's commit — is decided in the project's trigger queue, so this
 * handler never waits for GitHub.
 */
@Injectable()
export class PushHandler {
  constructor(
    private readonly projects: RunnerProjectsRepository,
    private readonly triggers: TriggerQueue,
    private readonly outbox: OutboxStore,
  ) {}

  async push(manager: EntityManager, envelope: EventEnvelope<string, PushReceivedPayload>): Promise<void> {
    const push = envelope.payload;
    const project = await this.projects.byRepository(manager, push.repository.id);
    const verdict = judgePush(project, push);
    if (!verdict.deploy) return this.skip(manager, envelope, project?.projectId ?? null, verdict.rule, verdict.reason);
    await this.triggers.enqueue(
      manager,
      project!.projectId,
      {
        kind: 'push',
        deliveryId: push.deliveryId,
        commitSha: push.after,
        commitMessage: push.headCommit?.message ?? null,
        ref: push.ref,
        actor: push.pusher.name ?? push.sender?.login ?? null,
      },
      envelope.id,
      GITHUB_GIVE_UP_MS,
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
    await this.triggers.enqueue(
      manager,
      project.projectId,
      {
        kind: 'release',
        deliveryId: release.deliveryId,
        tag: release.release.tagName,
        prerelease: release.release.prerelease,
        draft: release.release.draft,
        actor: release.sender?.login ?? null,
      },
      envelope.id,
      GITHUB_GIVE_UP_MS,
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
