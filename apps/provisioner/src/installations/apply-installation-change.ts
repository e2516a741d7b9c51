import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { EventEnvelope, InstallationChangedPayload } from '@klepaas/contracts';
import { InboxStore, OutboxStore } from '@klepaas/persistence';
import type { Project } from '../projects/project';
import { ProjectsRepository } from '../projects/projects.repository';
import { announceSettings } from '../commands/change-settings';

/** Why auto-deploy was turned off by us rather than by the user. */
export const INSTALLATION_REMOVED = 'the K-Le-PaaS GitHub App no longer covers this repository';
export const INSTALLATION_SUSPENDED = 'the K-Le-PaaS GitHub App installation is suspended';
export const INSTALLATION_BACK =
  'the K-Le-PaaS GitHub App covers this repository again; turn auto-deploy on to deploy its pushes';

/**
 * Keeps each project's installation current: a repository (or a whole installation) removed or
 * suspended turns auto-deploy off and says why. Unsuspended, auto-deploy comes back (nothing
 * changed hands). Added back — perhaps by another account, under another installation — the
 * installation id is replaced, and auto-deploy stays off until the user turns it on.
 */
@Injectable()
export class ApplyInstallationChange {
  private readonly log = new Logger(ApplyInstallationChange.name);

  constructor(
    private readonly inbox: InboxStore,
    private readonly outbox: OutboxStore,
    private readonly projects: ProjectsRepository,
  ) {}

  async handle(envelope: EventEnvelope<string, InstallationChangedPayload>): Promise<void> {
    const change = envelope.payload;
    const installationId = change.installation.id;
    await this.inbox.applyOnce(envelope, async (manager) => {
      const update = (p: Project, installation: number | null, autoDeploy: boolean, reason: string | null) =>
        this.announce(manager, p, installation, autoDeploy, reason, envelope.id);
      if (change.event === 'installation' && change.action === 'deleted') {
        for (const p of await this.projects.findLiveByInstallation(installationId, manager))
          await update(p, null, false, INSTALLATION_REMOVED);
      } else if (change.event === 'installation' && change.action === 'suspend') {
        for (const p of await this.projects.findLiveByInstallation(installationId, manager))
          await update(p, installationId, false, INSTALLATION_SUSPENDED);
      } else if (change.event === 'installation' && change.action === 'unsuspend') {
        for (const p of await this.projects.findLiveByInstallation(installationId, manager)) {
          if (p.autoDeployReason === INSTALLATION_SUSPENDED) await update(p, installationId, true, null);
        }
      }
      const removed = change.repositoriesRemoved.map((r) => r.id);
      for (const p of removed.length ? await this.projects.findLiveByRepository(removed, manager) : []) {
        if (p.installationId === installationId) await update(p, null, false, INSTALLATION_REMOVED);
      }
      const added = change.repositoriesAdded.map((r) => r.id);
      for (const p of added.length ? await this.projects.findLiveByRepository(added, manager) : []) {
        const wasRemoved = p.autoDeployReason === INSTALLATION_REMOVED;
        await update(p, installationId, p.settings.autoDeploy, wasRemoved ? INSTALLATION_BACK : p.autoDeployReason);
      }
    });
  }

  private async announce(
    manager: EntityManager,
    project: Project,
    installationId: number | null,
    autoDeploy: boolean,
    reason: string | null,
    causationId: string,
  ): Promise<void> {
    this.log.log(
      `${project.owner}/${project.repo}: installation ${installationId ?? 'none'}, auto-deploy ${autoDeploy}${reason ? ` (${reason})` : ''}`,
    );
    await announceSettings(
      manager,
      this.projects,
      this.outbox,
      project,
      { ...project.settings, autoDeploy },
      installationId,
      reason,
      causationId,
    );
  }
}
