import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { EventEnvelope, ProjectRegistrationRequestedPayload } from '@klepaas/contracts';
import { deriveProjectNames } from '../projects/project-names';
import { NameTakenError, ProjectsRepository } from '../projects/projects.repository';
import { ProvisionProject } from '../provisioning/provision-project';

/**
 * ProjectRegistrationRequested: records the project (once, by the id the gateway minted) and
 * provisions it. A request for a project that failed starts it again; one for a project that
 * is ready, or being deleted, changes nothing. Idempotent by the project's state, not an
 * inbox: a crash half-way must leave the request to be redelivered and finished.
 */
@Injectable()
export class RegisterProject {
  private readonly log = new Logger(RegisterProject.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly projects: ProjectsRepository,
    private readonly provision: ProvisionProject,
  ) {}

  async handle(envelope: EventEnvelope<string, ProjectRegistrationRequestedPayload>): Promise<void> {
    const request = envelope.payload;
    const existing = await this.projects.find(request.projectId);
    if (!existing) {
      await this.record(request);
    } else if (existing.status === 'failed') {
      this.log.log(
        `registration of ${existing.owner}/${existing.repo} asked again after failing at ${existing.failedStep}`,
      );
      await this.projects.setStatus(this.dataSource.manager, existing.id, 'provisioning');
    } else if (existing.status !== 'provisioning') {
      return;
    }
    await this.provision.run(request.projectId, envelope.id);
  }

  /** Plain names first; hashed ones when another live project already has one of them. */
  private async record(request: ProjectRegistrationRequestedPayload): Promise<void> {
    const base = {
      id: request.projectId,
      ownerId: request.requestedBy,
      owner: request.owner,
      repo: request.repo,
      githubRepositoryId: request.githubRepositoryId,
      installationId: request.installationId,
      settings: request.settings,
    };
    try {
      await this.projects.insert(this.dataSource.manager, {
        ...base,
        names: deriveProjectNames(request.owner, request.repo, request.githubRepositoryId),
      });
    } catch (error) {
      if (!(error instanceof NameTakenError)) throw error;
      // A concurrent redelivery may have inserted it: then there is nothing to record.
      if (await this.projects.find(request.projectId)) return;
      await this.projects.insert(this.dataSource.manager, {
        ...base,
        names: deriveProjectNames(request.owner, request.repo, request.githubRepositoryId, true),
      });
    }
  }
}
