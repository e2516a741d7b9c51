import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  EventEnvelope,
  Events,
  ProjectProvisionedPayload,
  ProjectProvisioningFailedPayload,
  ProjectRegistrationRequestedPayload,
  ProjectSettingsChangedPayload,
  ProjectUnregisteredPayload,
  ProjectUnregistrationRequestedPayload,
  PullRequestMergedPayload,
} from '@klepaas/contracts';
import { OutboxStore } from '@klepaas/persistence';
import { RECONCILE_GIVE_UP_MS, TriggerQueue } from '../desired/trigger-queue';
import { runsStopped } from '../runs/run-events';
import { RunnerProjectsRepository } from '../projects/runner-projects.repository';
import { FinishRun } from '../runs/finish-run';
import { ACTIVE } from '../runs/run';
import { RunsRepository } from '../runs/runs.repository';

/**
 * Keeps the runner's copy of each project (so a push needs no call to another service) and the
 * merge commits of merged pull requests (the merge-only rule). A project that becomes ready, or
 * whose branch, installation or auto-deploy changes, is reconciled; a replicas setting changes
 * the desired replicas. An unregistration stops the project at once: queued runs end, active
 * ones are cancelled at NCP, and no new trigger deploys.
 */
@Injectable()
export class ProjectEventsHandler {
  constructor(
    private readonly projects: RunnerProjectsRepository,
    private readonly runs: RunsRepository,
    private readonly finish: FinishRun,
    private readonly triggers: TriggerQueue,
    private readonly outbox: OutboxStore,
  ) {}

  async apply(manager: EntityManager, envelope: EventEnvelope): Promise<void> {
    switch (envelope.type) {
      case Events.ProjectRegistrationRequested.name:
        return this.projects.registered(manager, envelope.payload as ProjectRegistrationRequestedPayload);
      case Events.ProjectProvisioned.name: {
        const p = envelope.payload as ProjectProvisionedPayload;
        if (await this.projects.provisioned(manager, p))
          await this.reconcile(manager, p.projectId, 'the project became ready');
        return;
      }
      case Events.ProjectProvisioningFailed.name: {
        const p = envelope.payload as ProjectProvisioningFailedPayload;
        return this.projects.setStatus(manager, p.projectId, 'failed', p.revision);
      }
      case Events.ProjectSettingsChanged.name:
        return this.settings(manager, envelope.payload as ProjectSettingsChangedPayload, envelope.id);
      case Events.ProjectUnregistrationRequested.name:
        return this.unregistering(manager, (envelope.payload as ProjectUnregistrationRequestedPayload).projectId);
      case Events.ProjectUnregistered.name: {
        const p = envelope.payload as ProjectUnregisteredPayload;
        return this.projects.setStatus(manager, p.projectId, 'deleted', p.revision);
      }
      case Events.PullRequestMerged.name:
        return this.merged(manager, envelope.payload as PullRequestMergedPayload);
    }
  }

  private async settings(manager: EntityManager, p: ProjectSettingsChangedPayload, causationId: string): Promise<void> {
    const before = await this.projects.settings(manager, p);
    if (!before) return;
    const s = p.settings;
    if (s.replicas !== before.settings.replicas)
      await this.triggers.enqueue(manager, p.projectId, { kind: 'settings', replicas: s.replicas }, causationId);
    const why =
      s.autoDeploy && !before.settings.autoDeploy
        ? 'auto-deploy was turned on'
        : s.branch !== before.settings.branch
          ? `the branch changed to ${s.branch}`
          : p.installationId !== before.installationId
            ? 'the GitHub App installation changed'
            : null;
    if (why && s.autoDeploy) await this.reconcile(manager, p.projectId, why);
  }

  private reconcile(manager: EntityManager, projectId: string, why: string): Promise<void> {
    return this.triggers.enqueue(manager, projectId, { kind: 'reconcile', why }, null, RECONCILE_GIVE_UP_MS);
  }

  /**
   * Nothing of the project may run once its NCP resources start going: queued runs end now, the
   * active one is cancelled at NCP by the driver, and the provisioner hears ProjectRunsStopped
   * when none is left (here, or when that run ends).
   */
  private async unregistering(manager: EntityManager, projectId: string): Promise<void> {
    await this.runs.lockProject(manager, projectId);
    await this.projects.setDeleting(manager, projectId);
    const reason = 'the project is being unregistered';
    for (const run of await this.runs.ofProject(manager, projectId, ['queued'])) {
      await this.finish.finish(manager, run, { status: 'cancelled', reason }, { followUp: false });
    }
    const active = await this.runs.ofProject(manager, projectId, ACTIVE);
    for (const run of active) {
      await this.runs.update(manager, run, { cancelRequested: true, reason, nextPollAt: new Date() });
    }
    if (!active.length) await this.outbox.append(manager, [runsStopped(projectId)]);
  }

  private async merged(manager: EntityManager, p: PullRequestMergedPayload): Promise<void> {
    if (!p.pullRequest.mergeCommitSha) return;
    await manager.query(
      `INSERT INTO runner_merges (github_repository_id, merge_commit_sha, pull_request, base_ref, merged_at)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
      [
        p.repository.id,
        p.pullRequest.mergeCommitSha,
        p.pullRequest.number,
        p.pullRequest.baseRef,
        p.pullRequest.mergedAt,
      ],
    );
    // A push turned down because its pull request had not merged yet is decided again.
    await this.triggers.reopenMergeWaits(manager, p.repository.id, p.pullRequest.mergeCommitSha);
  }
}
