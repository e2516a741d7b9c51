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

  /**
   * Names of the project's own (its suffix), checked against every project there ever was,
   * deleted ones included: a name is never used twice. The image name stays `{owner}-{repo}`
   * while no project ever had it (architecture.md, change 13).
   */
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
    for (let salt = 0; salt < MAX_NAME_ATTEMPTS; salt++) {
      const names = deriveProjectNames(request.owner, request.repo, request.projectId, { salt, plainImage: true });
      const { imageName, ...suffixed } = names;
      if (await this.projects.anyNameUsed(Object.values(suffixed))) continue;
      if (await this.projects.anyNameUsed([imageName])) {
        names.imageName = deriveProjectNames(request.owner, request.repo, request.projectId, { salt }).imageName;
      }
      try {
        await this.projects.insert(this.dataSource.manager, { ...base, names });
        return;
      } catch (error) {
        if (!(error instanceof NameTakenError)) throw error;
        // A concurrent redelivery may have inserted it: then there is nothing to record.
        if (await this.projects.find(request.projectId)) return;
      }
    }
    throw new Error(`no unused names for ${request.owner}/${request.repo} after ${MAX_NAME_ATTEMPTS} attempts`);
  }
}

/** Each attempt is a new suffix; two in a row already taken has never happened. */
const MAX_NAME_ATTEMPTS = 5;
