import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type {
  ProjectProvisionedPayload,
  ProjectRegistrationRequestedPayload,
  ProjectSettingsChangedPayload,
} from '@klepaas/contracts';
import type { DesiredState, RunnerProject } from './runner-project';

/**
 * `runner_projects`: kept from Project* events, ordered by the provisioner's revision (never by
 * timestamps from different services), plus the state the runner owns: what each project should
 * run, what it runs, and the branch head GitHub last reported.
 */
@Injectable()
export class RunnerProjectsRepository {
  /** The live project of a repository (a deleting one only when there is no other). */
  async byRepository(manager: EntityManager, githubRepositoryId: number): Promise<RunnerProject | null> {
    const rows = await manager.query(
      `SELECT * FROM runner_projects WHERE github_repository_id = $1 AND status <> 'deleted'
        ORDER BY (status = 'deleting'), registered_at DESC LIMIT 1`,
      [githubRepositoryId],
    );
    return rows.length ? toProject(rows[0]) : null;
  }

  async byId(manager: EntityManager, projectId: string): Promise<RunnerProject | null> {
    const rows = await manager.query(`SELECT * FROM runner_projects WHERE project_id = $1`, [projectId]);
    return rows.length ? toProject(rows[0]) : null;
  }

  /** A registration seen for the first time; a repeated request (after a failure) changes nothing here. */
  async registered(manager: EntityManager, p: ProjectRegistrationRequestedPayload): Promise<void> {
    const s = p.settings;
    await manager.query(
      `INSERT INTO runner_projects (project_id, github_repository_id, owner, repo, installation_id, status, branch,
         auto_deploy, merge_only, paths, replicas, container_port, desired_replicas, pod_security)
       VALUES ($1, $2, $3, $4, $5, 'provisioning', $6, $7, $8, $9::jsonb, $10, $11, $10, $12)
       ON CONFLICT (project_id) DO NOTHING`,
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
        s.podSecurity ?? 'baseline',
      ],
    );
  }

  /** True when the project became ready by this event (it was not before). */
  async provisioned(manager: EntityManager, p: ProjectProvisionedPayload): Promise<boolean> {
    const s = p.settings;
    const [before] = await manager.query(`SELECT status FROM runner_projects WHERE project_id = $1 FOR UPDATE`, [
      p.projectId,
    ]);
    const changed: unknown[] = await manager.query(
      `INSERT INTO runner_projects (project_id, github_repository_id, owner, repo, installation_id, status, branch,
         auto_deploy, merge_only, paths, replicas, container_port, namespace, image_name, sourcecommit_repository,
         sourcebuild_project_id, sourcedeploy_project_id, sourcedeploy_stage_id, sourcedeploy_scenario_id,
         desired_replicas, status_revision, settings_revision, pod_security)
       VALUES ($1, $2, $3, $4, $5, 'ready', $6, $7, $8, $9::jsonb, $10, $11, $12, $13, $14, $15, $16, $17, $18, $10, $19, $19, $20)
       ON CONFLICT (project_id) DO UPDATE SET status = 'ready', namespace = EXCLUDED.namespace,
         image_name = EXCLUDED.image_name, sourcecommit_repository = EXCLUDED.sourcecommit_repository,
         sourcebuild_project_id = EXCLUDED.sourcebuild_project_id, sourcedeploy_project_id = EXCLUDED.sourcedeploy_project_id,
         sourcedeploy_stage_id = EXCLUDED.sourcedeploy_stage_id, sourcedeploy_scenario_id = EXCLUDED.sourcedeploy_scenario_id,
         status_revision = EXCLUDED.status_revision
       WHERE runner_projects.status_revision < EXCLUDED.status_revision
         AND runner_projects.status NOT IN ('deleting', 'deleted')
       RETURNING project_id`,
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
        p.revision,
        s.podSecurity ?? 'baseline',
      ],
    );
    return changed.length > 0 && before?.status !== 'ready';
  }

  /** `failed` or `deleted` from the provisioner, when newer than what set the status. */
  async setStatus(manager: EntityManager, projectId: string, status: 'failed' | 'deleted', revision: number) {
    await manager.query(
      `UPDATE runner_projects SET status = $2, status_revision = $3
        WHERE project_id = $1 AND status_revision < $3 AND (status NOT IN ('deleting', 'deleted') OR $2 = 'deleted')`,
      [projectId, status, revision],
    );
  }

  /** The user asked to unregister: no new run from now on, whatever arrives later. */
  async setDeleting(manager: EntityManager, projectId: string): Promise<void> {
    await manager.query(
      `UPDATE runner_projects SET status = 'deleting' WHERE project_id = $1 AND status <> 'deleted'`,
      [projectId],
    );
  }

  /** Applies newer settings; returns the project as it was before, or null when they were not newer. */
  async settings(manager: EntityManager, p: ProjectSettingsChangedPayload): Promise<RunnerProject | null> {
    const [row] = await manager.query(`SELECT * FROM runner_projects WHERE project_id = $1 FOR UPDATE`, [p.projectId]);
    if (!row || Number(row.settings_revision) >= p.revision) return null;
    const s = p.settings;
    await manager.query(
      `UPDATE runner_projects SET branch = $2, auto_deploy = $3, merge_only = $4, paths = $5::jsonb, replicas = $6,
         container_port = $7, installation_id = $8, auto_deploy_reason = $9, settings_revision = $10, pod_security = $11
       WHERE project_id = $1`,
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
        p.revision,
        s.podSecurity ?? 'baseline',
      ],
    );
    return toProject(row);
  }

  async setDesired(manager: EntityManager, projectId: string, desired: DesiredState): Promise<void> {
    await manager.query(
      `UPDATE runner_projects SET desired_version = $2, desired_commit_sha = $3, desired_commit_message = $4,
         desired_replicas = $5, pin = $6::jsonb, pinned_head = $7 WHERE project_id = $1`,
      [
        projectId,
        desired.version,
        desired.commitSha,
        desired.commitMessage,
        desired.replicas,
        desired.pin ? JSON.stringify(desired.pin) : null,
        desired.pinnedHead,
      ],
    );
  }

  /** What GitHub says the branch head is (with the ETag of that answer, for conditional requests). */
  async setBranchHead(manager: EntityManager, projectId: string, head: string | null, etag?: string | null) {
    await manager.query(
      `UPDATE runner_projects SET branch_head = $2, branch_etag = COALESCE($3, branch_etag), branch_checked_at = now()
        WHERE project_id = $1`,
      [projectId, head, etag ?? null],
    );
  }

  async touchBranchCheck(manager: EntityManager, projectId: string): Promise<void> {
    await manager.query(`UPDATE runner_projects SET branch_checked_at = now() WHERE project_id = $1`, [projectId]);
  }

  /** The next number in the project's deploy order (under the project's lock). */
  async nextRunSeq(manager: EntityManager, projectId: string): Promise<number> {
    const [rows] = await manager.query(
      `UPDATE runner_projects SET next_run_seq = next_run_seq + 1 WHERE project_id = $1 RETURNING next_run_seq`,
      [projectId],
    );
    return Number(rows[0].next_run_seq);
  }

  /** A run succeeded: it is what runs now, unless a later run (by sequence) already succeeded. */
  async setDeployed(
    manager: EntityManager,
    projectId: string,
    deployed: { commitSha: string; replicas: number; runId: string; seq: number },
  ): Promise<void> {
    await manager.query(
      `UPDATE runner_projects SET deployed_commit_sha = $2, deployed_replicas = $3, deployed_run_id = $4, deployed_seq = $5
        WHERE project_id = $1 AND deployed_seq < $5`,
      [projectId, deployed.commitSha, deployed.replicas, deployed.runId, deployed.seq],
    );
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
      podSecurity: r.pod_security ?? 'baseline',
    },
    autoDeployReason: r.auto_deploy_reason,
    namespace: r.namespace,
    imageName: r.image_name,
    sourceCommitRepository: r.sourcecommit_repository,
    sourceBuildProjectId: r.sourcebuild_project_id,
    sourceDeployProjectId: r.sourcedeploy_project_id,
    sourceDeployStageId: r.sourcedeploy_stage_id,
    sourceDeployScenarioId: r.sourcedeploy_scenario_id,
    desired: {
      version: Number(r.desired_version ?? 0),
      commitSha: r.desired_commit_sha ?? null,
      commitMessage: r.desired_commit_message ?? null,
      replicas: r.desired_replicas ?? r.replicas,
      pin: r.pin ?? null,
      pinnedHead: r.pinned_head ?? null,
    },
    deployed: {
      commitSha: r.deployed_commit_sha ?? null,
      replicas: r.deployed_replicas ?? null,
      runId: r.deployed_run_id ?? null,
      seq: Number(r.deployed_seq ?? 0),
    },
    branchHead: r.branch_head ?? null,
    branchEtag: r.branch_etag ?? null,
  };
}
