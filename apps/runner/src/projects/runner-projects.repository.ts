import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type {
  ProjectProvisionedPayload,
  ProjectRegistrationRequestedPayload,
  ProjectSettingsChangedPayload,
} from '@klepaas/contracts';
import type { RunnerProject } from './runner-project';

/**
 * `runner_projects`: kept from Project* events. Status and settings each remember the time of the
 * event that set them, so an older event arriving late changes nothing.
 */
@Injectable()
export class RunnerProjectsRepository {
  async byRepository(manager: EntityManager, githubRepositoryId: number): Promise<RunnerProject | null> {
    const rows = await manager.query(
      `SELECT * FROM runner_projects WHERE github_repository_id = $1 AND status <> 'deleted' ORDER BY status_at DESC LIMIT 1`,
      [githubRepositoryId],
    );
    return rows.length ? toProject(rows[0]) : null;
  }

  async byId(manager: EntityManager, projectId: string): Promise<RunnerProject | null> {
    const rows = await manager.query(`SELECT * FROM runner_projects WHERE project_id = $1`, [projectId]);
    return rows.length ? toProject(rows[0]) : null;
  }

  async registered(manager: EntityManager, p: ProjectRegistrationRequestedPayload, at: string): Promise<void> {
    const s = p.settings;
    await manager.query(
      `INSERT INTO runner_projects (project_id, github_repository_id, owner, repo, installation_id, status, branch,
         auto_deploy, merge_only, paths, replicas, container_port, status_at, settings_at)
       VALUES ($1, $2, $3, $4, $5, 'provisioning', $6, $7, $8, $9::jsonb, $10, $11, $12, $12)
       ON CONFLICT (project_id) DO UPDATE SET status = 'provisioning', status_at = EXCLUDED.status_at
       WHERE runner_projects.status = 'failed' AND runner_projects.status_at < EXCLUDED.status_at`,
      [
        p.projectId,
        p.githubRepositoryId,
        p.owner,
        p.repo,
        p.installationId,
        s.branch,
        s.autoDeploy,
        s.mergeOnly,
        JSON.stringify(s.paths),
        s.replicas,
        s.containerPort,
        at,
      ],
    );
  }

  async provisioned(manager: EntityManager, p: ProjectProvisionedPayload, at: string): Promise<void> {
    const s = p.settings;
    await manager.query(
      `INSERT INTO runner_projects (project_id, github_repository_id, owner, repo, installation_id, status, branch,
         auto_deploy, merge_only, paths, replicas, container_port, namespace, image_name, sourcecommit_repository,
         sourcebuild_project_id, sourcedeploy_project_id, sourcedeploy_stage_id, sourcedeploy_scenario_id, status_at, settings_at)
       VALUES ($1, $2, $3, $4, $5, 'ready', $6, $7, $8, $9::jsonb, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, 'epoch')
       ON CONFLICT (project_id) DO UPDATE SET status = 'ready', namespace = EXCLUDED.namespace,
         image_name = EXCLUDED.image_name, sourcecommit_repository = EXCLUDED.sourcecommit_repository,
         sourcebuild_project_id = EXCLUDED.sourcebuild_project_id, sourcedeploy_project_id = EXCLUDED.sourcedeploy_project_id,
         sourcedeploy_stage_id = EXCLUDED.sourcedeploy_stage_id, sourcedeploy_scenario_id = EXCLUDED.sourcedeploy_scenario_id,
         status_at = EXCLUDED.status_at
       WHERE runner_projects.status_at <= EXCLUDED.status_at`,
      [
        p.projectId,
        p.githubRepositoryId,
        p.owner,
        p.repo,
        p.installationId,
        s.branch,
        s.autoDeploy,
        s.mergeOnly,
        JSON.stringify(s.paths),
        s.replicas,
        s.containerPort,
        p.namespace,
        p.imageName,
        p.ncp.sourceCommitRepository,
        p.ncp.sourceBuildProjectId,
        p.ncp.sourceDeployProjectId,
        p.ncp.sourceDeployStageId,
        p.ncp.sourceDeployScenarioId,
        at,
      ],
    );
  }

  async setStatus(manager: EntityManager, projectId: string, status: string, at: string): Promise<void> {
    await manager.query(
      `UPDATE runner_projects SET status = $2, status_at = $3 WHERE project_id = $1 AND status_at <= $3`,
      [projectId, status, at],
    );
  }

  async settings(manager: EntityManager, p: ProjectSettingsChangedPayload, at: string): Promise<void> {
    const s = p.settings;
    // A replicas setting changed by the user replaces what an earlier scale run set.
    await manager.query(
      `UPDATE runner_projects SET replicas_scaled = CASE WHEN replicas = $6 THEN replicas_scaled ELSE NULL END,
         branch = $2, auto_deploy = $3, merge_only = $4, paths = $5::jsonb, replicas = $6, container_port = $7,
         installation_id = $8, auto_deploy_reason = $10, settings_at = $9
       WHERE project_id = $1 AND settings_at <= $9`,
      [
        p.projectId,
        s.branch,
        s.autoDeploy,
        s.mergeOnly,
        JSON.stringify(s.paths),
        s.replicas,
        s.containerPort,
        p.installationId,
        at,
        p.reason,
      ],
    );
  }

  async setScaledReplicas(manager: EntityManager, projectId: string, replicas: number): Promise<void> {
    await manager.query(`UPDATE runner_projects SET replicas_scaled = $2 WHERE project_id = $1`, [projectId, replicas]);
  }
}

function toProject(r: Record<string, any>): RunnerProject {
  return {
    projectId: r.project_id,
    githubRepositoryId: Number(r.github_repository_id),
    owner: r.owner,
    repo: r.repo,
    installationId: r.installation_id === null ? null : Number(r.installation_id),
    status: r.status,
    settings: {
      branch: r.branch,
      autoDeploy: r.auto_deploy,
      mergeOnly: r.merge_only,
      paths: r.paths,
      replicas: r.replicas,
      containerPort: r.container_port,
    },
    autoDeployReason: r.auto_deploy_reason,
    replicasScaled: r.replicas_scaled,
    namespace: r.namespace,
    imageName: r.image_name,
    sourceCommitRepository: r.sourcecommit_repository,
    sourceBuildProjectId: r.sourcebuild_project_id,
    sourceDeployProjectId: r.sourcedeploy_project_id,
    sourceDeployStageId: r.sourcedeploy_stage_id,
    sourceDeployScenarioId: r.sourcedeploy_scenario_id,
  };
}
