import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  createEnvelope,
  EventEnvelope,
  Events,
  ProjectSettings,
  ProjectSettingsChangeRequestedPayload,
} from '@klepaas/contracts';
import { InboxStore, OutboxStore } from '@klepaas/persistence';
import type { Project } from '../projects/project';
import { ProjectsRepository } from '../projects/projects.repository';

/**
 * ProjectSettingsChangeRequested: the settings live in the database only (the SourceCommit
 * branch NCP builds is fixed per project), so the change and its announcement commit together.
 */
@Injectable()
export class ChangeSettings {
  constructor(
    private readonly inbox: InboxStore,
    private readonly outbox: OutboxStore,
    private readonly projects: ProjectsRepository,
  ) {}

  async handle(envelope: EventEnvelope<string, ProjectSettingsChangeRequestedPayload>): Promise<void> {
    await this.inbox.applyOnce(envelope, async (manager) => {
      const project = await this.projects.find(envelope.payload.projectId, manager);
      if (!project || project.status === 'deleting' || project.status === 'deleted') return;
      const settings: ProjectSettings = { ...project.settings, ...stripUndefined(envelope.payload.changes) };
      // A user turning auto-deploy back on overrides the reason we had turned it off.
      const reason = envelope.payload.changes.autoDeploy === true ? null : project.autoDeployReason;
      await announceSettings(
        manager,
        this.projects,
        this.outbox,
        project,
        settings,
        project.installationId,
        reason,
        envelope.id,
      );
    });
  }
}

/** Stores a project's settings and announces them, in the caller's transaction. */
export async function announceSettings(
  manager: EntityManager,
  projects: ProjectsRepository,
  outbox: OutboxStore,
  project: Project,
  settings: ProjectSettings,
  installationId: number | null,
  reason: string | null,
  causationId: string,
): Promise<void> {
  await projects.updateSettings(manager, project.id, settings, installationId, reason);
  const revision = await projects.nextRevision(manager, project.id);
  await outbox.append(manager, [
    createEnvelope(
      Events.ProjectSettingsChanged,
      { projectId: project.id, settings, installationId, reason, revision },
      { correlationId: project.id, causationId },
    ),
  ]);
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
