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
import { RunnerProjectsRepository } from '../projects/runner-projects.repository';
import { FinishRun } from '../runs/finish-run';
import { RunsRepository } from '../runs/runs.repository';

/**
 * Keeps the runner's copy of each project (so a push needs no call to another service) and the
 * merge commits of merged pull requests (the merge-only rule). An unregistration stops the
 * project deploying at once: queued runs end, and no new push is taken.
 */
@Injectable()
export class ProjectEventsHandler {
  constructor(
    private readonly projects: RunnerProjectsRepository,
    private readonly runs: RunsRepository,
    private readonly finish: FinishRun,
  ) {}

  async apply(manager: EntityManager, envelope: EventEnvelope): Promise<void> {
    const at = envelope.occurredAt;
    switch (envelope.type) {
      case Events.ProjectRegistrationRequested.name:
        return this.projects.registered(manager, envelope.payload as ProjectRegistrationRequestedPayload, at);
      case Events.ProjectProvisioned.name:
        return this.projects.provisioned(manager, envelope.payload as ProjectProvisionedPayload, at);
      case Events.ProjectProvisioningFailed.name:
        return this.projects.setStatus(
          manager,
          (envelope.payload as ProjectProvisioningFailedPayload).projectId,
          'failed',
          at,
        );
      case Events.ProjectSettingsChanged.name:
        return this.projects.settings(manager, envelope.payload as ProjectSettingsChangedPayload, at);
      case Events.ProjectUnregistrationRequested.name:
        return this.unregistering(manager, (envelope.payload as ProjectUnregistrationRequestedPayload).projectId, at);
      case Events.ProjectUnregistered.name:
        return this.projects.setStatus(
          manager,
          (envelope.payload as ProjectUnregisteredPayload).projectId,
          'deleted',
          at,
        );
      case Events.PullRequestMerged.name:
        return this.merged(manager, envelope.payload as PullRequestMergedPayload);
    }
  }

  private async unregistering(manager: EntityManager, projectId: string, at: string): Promise<void> {
    await this.projects.setStatus(manager, projectId, 'deleting', at);
    for (const run of await this.runs.ofProject(manager, projectId, ['queued'])) {
      await this.finish.finish(manager, run, { status: 'cancelled', reason: 'the project is being unregistered' });
    }
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
  }
}
