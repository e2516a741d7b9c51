import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { ErrorInfo, ProjectSettings } from '@klepaas/contracts';
import type { Project, ProjectNcpIds, ProjectStatus } from './project';

const NCP_COLUMNS: Record<keyof ProjectNcpIds, string> = {
  sourceCommitRepositoryId: 'sourcecommit_repository_id',
  sourceBuildProjectId: 'sourcebuild_project_id',
  sourceDeployProjectId: 'sourcedeploy_project_id',
  sourceDeployStageId: 'sourcedeploy_stage_id',
  sourceDeployScenarioId: 'sourcedeploy_scenario_id',
  sourcePipelineId: 'sourcepipeline_id',
};

export class NameTakenError extends Error {}

/** The `projects` table: the provisioner is its only writer. */
@Injectable()
export class ProjectsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async find(id: string, manager: EntityManager = this.dataSource.manager): Promise<Project | null> {
    const rows = await manager.query(`SELECT * FROM projects WHERE id = $1`, [id]);
    return rows.length ? toProject(rows[0]) : null;
  }

  async findLiveByRepository(githubRepositoryIds: number[], manager: EntityManager): Promise<Project[]> {
    const rows = await manager.query(
      `SELECT * FROM projects WHERE github_repository_id = ANY($1::bigint[]) AND status <> 'deleted' FOR UPDATE`,
      [githubRepositoryIds],
    );
    return rows.map(toProject);
  }

  async findLiveByInstallation(installationId: number, manager: EntityManager): Promise<Project[]> {
    const rows = await manager.query(
      `SELECT * FROM projects WHERE installation_id = $1 AND status <> 'deleted' FOR UPDATE`,
      [installationId],
    );
    return rows.map(toProject);
  }

  /** Inserts a new project; NameTakenError when a live project already has one of these names. */
  async insert(
    manager: EntityManager,
    p: Omit<
      Project,
      'status' | 'failedStep' | 'ncp' | 'autoDeployReason' | 'creating' | 'unregisterRequest' | 'runsStoppedAt'
    >,
  ): Promise<void> {
    try {
      await manager.query(
        `INSERT INTO projects (id, owner_id, owner, repo, github_repository_id, installation_id, branch, auto_deploy,
           merge_only, paths, replicas, container_port, status, namespace, image_name, sourcecommit_repository,
           sourcebuild_project_name, sourcedeploy_project_name, sourcepipeline_name, pod_security)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $12, 'provisioning', $13, $14, $15, $16, $17, $18,
           $19)`,
        [
          p.id,
          p.ownerId,
          p.owner,
          p.repo,
          p.githubRepositoryId,
          p.installationId,
          p.settings.branch,
          p.settings.autoDeploy,
          p.settings.mergeOnly,
          JSON.stringify(p.settings.paths),
          p.settings.replicas,
          p.settings.containerPort,
          p.names.namespace,
          p.names.imageName,
          p.names.sourceCommitRepository,
          p.names.sourceBuildProject,
          p.names.sourceDeployProject,
          p.names.sourcePipeline,
          p.settings.podSecurity ?? 'baseline',
        ],
      );
    } catch (error) {
      if ((error as { code?: string }).code === '23505') throw new NameTakenError((error as Error).message);
      throw error;
    }
  }

  async setStatus(
    manager: EntityManager,
    id: string,
    status: ProjectStatus,
    failure?: { step: string; error: ErrorInfo },
  ): Promise<void> {
    await manager.query(
      `UPDATE projects SET status = $2, failed_step = $3, error = $4::jsonb, updated_at = now() WHERE id = $1`,
      [id, status, failure?.step ?? null, failure ? JSON.stringify(failure.error) : null],
    );
  }

  async recordUnregisterRequest(id: string, request: { deleteRepository: boolean; causationId: string }) {
    await this.dataSource.query(
      `UPDATE projects SET unregister_request = COALESCE(unregister_request, $2::jsonb), updated_at = now() WHERE id = $1`,
      [id, JSON.stringify(request)],
    );
  }

  async recordRunsStopped(id: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE projects SET runs_stopped_at = COALESCE(runs_stopped_at, now()), updated_at = now() WHERE id = $1`,
      [id],
    );
  }

  /**
   * The next revision of the project's facts, for the event announcing them (in the same
   * transaction): consumers order a project's events by it, never by clocks.
   */
  async nextRevision(manager: EntityManager, id: string): Promise<number> {
    const [rows] = await manager.query(`UPDATE projects SET revision = revision + 1 WHERE id = $1 RETURNING revision`, [
      id,
    ]);
    return Number(rows[0].revision);
  }

  /** Stores one NCP id the moment it is known (its own statement, committed at once). */
  async setNcpId(id: string, key: keyof ProjectNcpIds, value: string | null): Promise<void> {
    await this.dataSource.query(`UPDATE projects SET ${NCP_COLUMNS[key]} = $2, updated_at = now() WHERE id = $1`, [
      id,
      value,
    ]);
  }

  async updateSettings(
    manager: EntityManager,
    id: string,
    settings: ProjectSettings,
    installationId: number | null,
    autoDeployReason: string | null,
  ): Promise<void> {
    await manager.query(
      `UPDATE projects SET branch = $2, auto_deploy = $3, merge_only = $4, paths = $5::jsonb, replicas = $6,
         container_port = $7, installation_id = $8, auto_deploy_reason = $9, pod_security = $10, updated_at = now()
       WHERE id = $1`,
      [
        id,
        settings.branch,
        settings.autoDeploy,
        settings.mergeOnly,
        JSON.stringify(settings.paths),
        settings.replicas,
        settings.containerPort,
        installationId,
        autoDeployReason,
        settings.podSecurity ?? 'baseline',
      ],
    );
  }

  /**
   * Records that the project is about to create `key` in NCP, before the call: a resource found
   * under the project's name later is adopted only if it did (ProvisioningSteps).
   */
  async markCreating(id: string, key: keyof ProjectNcpIds): Promise<void> {
    await this.dataSource.query(
      `UPDATE projects SET ncp_creating = array_append(ncp_creating, $2), updated_at = now()
        WHERE id = $1 AND NOT ($2 = ANY(ncp_creating))`,
      [id, key],
    );
  }

  /** Whether any project, live or deleted, ever had one of these names (names are never reused). */
  async anyNameUsed(names: string[]): Promise<boolean> {
    const rows = await this.dataSource.query(
      `SELECT 1 FROM projects WHERE namespace = ANY($1) OR image_name = ANY($1) OR sourcecommit_repository = ANY($1)
          OR sourcebuild_project_name = ANY($1) OR sourcedeploy_project_name = ANY($1) OR sourcepipeline_name = ANY($1)
        LIMIT 1`,
      [names],
    );
    return rows.length > 0;
  }
}

function toProject(r: Record<string, any>): Project {
  const ncp = Object.fromEntries(
    Object.entries(NCP_COLUMNS).map(([key, column]) => [key, r[column] ?? null]),
  ) as unknown as ProjectNcpIds;
  return {
    id: r.id,
    ownerId: r.owner_id,
    owner: r.owner,
    repo: r.repo,
    githubRepositoryId: Number(r.github_repository_id),
    installationId: r.installation_id === null ? null : Number(r.installation_id),
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
    status: r.status,
    failedStep: r.failed_step,
    creating: r.ncp_creating ?? [],
    unregisterRequest: r.unregister_request ?? null,
    runsStoppedAt: r.runs_stopped_at ?? null,
    names: {
      sourceCommitRepository: r.sourcecommit_repository,
      sourceBuildProject: r.sourcebuild_project_name,
      sourceDeployProject: r.sourcedeploy_project_name,
      sourcePipeline: r.sourcepipeline_name,
      imageName: r.image_name,
      namespace: r.namespace,
    },
    ncp,
  };
}
