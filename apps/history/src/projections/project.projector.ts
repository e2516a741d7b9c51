import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  DesiredStateChangedPayload,
  EventEnvelope,
  Events,
  ProjectProvisionedPayload,
  ProjectProvisioningFailedPayload,
  ProjectRegistrationRequestedPayload,
  ProjectSettingsChangedPayload,
  ProjectUnregisteredPayload,
  ProjectUnregistrationRequestedPayload,
} from '@klepaas/contracts';

/** An event about a project that history has not seen registered yet: retried later. */
export class ProjectNotYetKnownError extends Error {}

/**
 * The project view (`rm_projects`). Events from different producers can arrive out of order:
 * status and settings each remember the provisioner's revision of the event that set them and
 * ignore older ones (never comparing two services' clocks), `deleting` and `deleted` are final,
 * and the desired state remembers the runner's version. An update for a project not yet seen is
 * thrown back, to be retried once it is.
 */
@Injectable()
export class ProjectProjector {
  async apply(manager: EntityManager, envelope: EventEnvelope): Promise<void> {
    const at = envelope.occurredAt;
    switch (envelope.type) {
      case Events.ProjectRegistrationRequested.name:
        return this.registered(manager, envelope.payload as ProjectRegistrationRequestedPayload, at);
      case Events.ProjectProvisioned.name:
        return this.provisioned(manager, envelope.payload as ProjectProvisionedPayload, at);
      case Events.ProjectProvisioningFailed.name: {
        const p = envelope.payload as ProjectProvisioningFailedPayload;
        return this.status(manager, p.projectId, 'failed', `${p.step}: ${p.error.message}`, at, p.revision);
      }
      case Events.ProjectSettingsChanged.name:
        return this.settings(manager, envelope.payload as ProjectSettingsChangedPayload, at);
      case Events.ProjectUnregistrationRequested.name:
        return this.deleting(manager, (envelope.payload as ProjectUnregistrationRequestedPayload).projectId, at);
      case Events.ProjectUnregistered.name:
        return this.unregistered(manager, envelope.payload as ProjectUnregisteredPayload, at);
      case Events.DesiredStateChanged.name:
        return this.desired(manager, envelope.payload as DesiredStateChangedPayload);
    }
  }

  private async registered(manager: EntityManager, p: ProjectRegistrationRequestedPayload, at: string): Promise<void> {
    const s = p.settings;
    // A second request (after a failure) moves a failed project back to provisioning.
    await manager.query(
      `INSERT INTO rm_projects (id, owner_id, owner, repo, github_repository_id, branch, status, auto_deploy, merge_only,
         paths, replicas, container_port, installation_id, created_at, updated_at, status_at, settings_at, pod_security)
       VALUES ($1, $2, $3, $4, $5, $6, 'provisioning', $7, $8, $9::jsonb, $10, $11, $12, $13, $13, $13, $13, $14)
       ON CONFLICT (id) DO UPDATE SET status = 'provisioning', reason = NULL, status_at = EXCLUDED.status_at,
         updated_at = EXCLUDED.updated_at
       WHERE rm_projects.status = 'failed'`,
      [
        p.projectId,
        p.requestedBy,
        p.owner,
        p.repo,
        p.githubRepositoryId,
        s.branch,
        s.autoDeploy,
        s.mergeOnly,
        JSON.stringify(s.paths),
        s.replicas,
        s.containerPort,
        p.installationId,
        at,
        s.podSecurity ?? 'baseline',
      ],
    );
  }

  private async provisioned(manager: EntityManager, p: ProjectProvisionedPayload, at: string): Promise<void> {
    await this.requireKnown(manager, p.projectId);
    await manager.query(
      `UPDATE rm_projects SET status = 'ready', reason = NULL, namespace = $2, ncp = $3::jsonb, status_at = $4,
         updated_at = $4, status_revision = $5
        WHERE id = $1 AND status_revision < $5 AND status NOT IN ('deleting', 'deleted')`,
      [p.projectId, p.namespace, JSON.stringify(p.ncp), at, p.revision],
    );
  }

  private async status(
    manager: EntityManager,
    projectId: string,
    status: 'failed' | 'deleted',
    reason: string | null,
    at: string,
    revision: number,
  ) {
    await this.requireKnown(manager, projectId);
    await manager.query(
      `UPDATE rm_projects SET status = $2, reason = $3, status_at = $4, updated_at = $4, status_revision = $5
        WHERE id = $1 AND status_revision < $5 AND (status NOT IN ('deleting', 'deleted') OR $2 = 'deleted')`,
      [projectId, status, reason, at, revision],
    );
  }

  /** The user asked to unregister: final, whatever provisioning events arrive after it. */
  private async deleting(manager: EntityManager, projectId: string, at: string) {
    await this.requireKnown(manager, projectId);
    await manager.query(
      `UPDATE rm_projects SET status = 'deleting', reason = NULL, status_at = $2, updated_at = $2
        WHERE id = $1 AND status <> 'deleted'`,
      [projectId, at],
    );
  }

  /** What the project should run (and its pin), as the runner decided it, newest version wins. */
  private async desired(manager: EntityManager, p: DesiredStateChangedPayload) {
    await this.requireKnown(manager, p.projectId);
    const desired = {
      version: p.version,
      commitSha: p.commitSha,
      commitMessage: p.commitMessage,
      replicas: p.replicas,
      pin: p.pin,
      cause: p.cause,
    };
    await manager.query(
      `UPDATE rm_projects SET desired = $2::jsonb, desired_version = $3, updated_at = now()
        WHERE id = $1 AND desired_version < $3`,
      [p.projectId, JSON.stringify(desired), p.version],
    );
  }

  private async settings(manager: EntityManager, p: ProjectSettingsChangedPayload, at: string): Promise<void> {
    await this.requireKnown(manager, p.projectId);
    const s = p.settings;
    await manager.query(
      `UPDATE rm_projects SET branch = $2, auto_deploy = $3, merge_only = $4, paths = $5::jsonb, replicas = $6,
         container_port = $7, installation_id = $8, auto_deploy_reason = $9, settings_at = $10, updated_at = $10,
         settings_revision = $11, pod_security = $12
       WHERE id = $1 AND settings_revision < $11`,
      [
        p.projectId,
        s.branch,
        s.autoDeploy,
        s.mergeOnly,
        JSON.stringify(s.paths),
        s.replicas,
        s.containerPort,
        p.installationId,
        p.reason,
        at,
        p.revision,
        s.podSecurity ?? 'baseline',
      ],
    );
  }

  /** Deleted, with what was removed and what is left on NCP and the cluster. */
  private async unregistered(manager: EntityManager, p: ProjectUnregisteredPayload, at: string): Promise<void> {
    await this.status(manager, p.projectId, 'deleted', null, at, p.revision);
    await manager.query(`UPDATE rm_projects SET unregistration = $2::jsonb WHERE id = $1 AND status = 'deleted'`, [
      p.projectId,
      JSON.stringify({ removed: p.removed, kept: p.kept }),
    ]);
  }

  private async requireKnown(manager: EntityManager, projectId: string): Promise<void> {
    const rows = await manager.query(`SELECT 1 FROM rm_projects WHERE id = $1`, [projectId]);
    if (!rows.length) throw new ProjectNotYetKnownError(`project ${projectId} is not registered in the read model yet`);
  }
}
