/** A project as dashboards read it (docs/api.md, "Shapes": fields may be added, not renamed). */
export interface ProjectView {
  id: string;
  owner: string;
  repo: string;
  githubRepositoryId: number;
  branch: string;
  status: 'provisioning' | 'ready' | 'failed' | 'deleting' | 'deleted';
  reason?: string;
  autoDeploy: boolean;
  mergeOnly: boolean;
  paths: string[];
  replicas: number;
  containerPort: number;
  /** The Pod Security Standards profile the project's manifests are held to. */
  podSecurity?: 'baseline' | 'restricted';
  installationId?: number;
  namespace: string | null;
  ncp: {
    sourceCommitRepository: string | null;
    sourceBuildProjectId: string | null;
    sourceDeployProjectId: string | null;
    sourceDeployStageId: string | null;
    sourceDeployScenarioId: string | null;
    sourcePipelineId: string | null;
  };
  /** Once deleted: what unregistering removed, and what it left on NCP and the cluster. */
  unregistration?: { removed: string[]; kept: string[] };
  lastRun?: unknown;
  currentDeployment?: unknown;
  /** What the project should run (docs/runner.md, "Desired state"), once anything was asked of it. */
  desired?: {
    version: number;
    commitSha: string | null;
    commitMessage: string | null;
    replicas: number;
    cause: { type: string; actor: string | null; runId: string | null; deliveryId: string | null };
  };
  /** Set while a rollback or a manual deploy of an older commit holds the project there. */
  pin?: { by: string | null; reason: string; at: string; runId: string | null };
  /** True while pinned (the interface's name for a held rollback). */
  rollbackHold?: boolean;
  createdAt: string;
  updatedAt: string;
}

export const EMPTY_NCP_IDS: ProjectView['ncp'] = {
  sourceCommitRepository: null,
  sourceBuildProjectId: null,
  sourceDeployProjectId: null,
  sourceDeployStageId: null,
  sourceDeployScenarioId: null,
  sourcePipelineId: null,
};

export function toProjectView(r: Record<string, any>): ProjectView {
  const reason = r.status === 'failed' ? r.reason : (r.auto_deploy_reason ?? r.reason);
  return {
    id: r.id,
    owner: r.owner,
    repo: r.repo,
    githubRepositoryId: Number(r.github_repository_id),
    branch: r.branch,
    status: r.status,
    ...(reason ? { reason } : {}),
    autoDeploy: r.auto_deploy,
    mergeOnly: r.merge_only,
    paths: r.paths ?? [],
    replicas: r.replicas,
    containerPort: r.container_port,
    podSecurity: r.pod_security ?? 'baseline',
    ...(r.installation_id !== null && r.installation_id !== undefined
      ? { installationId: Number(r.installation_id) }
      : {}),
    namespace: r.namespace ?? null,
    ncp: { ...EMPTY_NCP_IDS, ...(r.ncp ?? {}) },
    ...(r.unregistration ? { unregistration: r.unregistration } : {}),
    ...(r.last_run ? { lastRun: r.last_run } : {}),
    ...(r.current_deployment ? { currentDeployment: r.current_deployment } : {}),
    ...desiredView(r.desired),
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

function desiredView(
  desired: Record<string, any> | null | undefined,
): Pick<ProjectView, 'desired' | 'pin' | 'rollbackHold'> {
  if (!desired) return {};
  const { pin, ...rest } = desired;
  return {
    desired: {
      version: rest.version,
      commitSha: rest.commitSha,
      commitMessage: rest.commitMessage,
      replicas: rest.replicas,
      cause: rest.cause,
    },
    rollbackHold: Boolean(pin),
    ...(pin ? { pin } : {}),
  };
}
