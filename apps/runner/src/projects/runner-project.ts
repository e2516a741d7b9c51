import type { ProjectSettings } from '@klepaas/contracts';

/** The runner's copy of a project: what it needs to decide and to run, kept from Project* events. */
export interface RunnerProject {
  projectId: string;
  githubRepositoryId: number;
  owner: string;
  repo: string;
  installationId: number | null;
  status: string;
  settings: ProjectSettings;
  autoDeployReason: string | null;
  /** Replicas set by a scale run, which later pushes keep until the setting itself changes. */
  replicasScaled: number | null;
  namespace: string | null;
  imageName: string | null;
  sourceCommitRepository: string | null;
  sourceBuildProjectId: string | null;
  sourceDeployProjectId: string | null;
  sourceDeployStageId: string | null;
  sourceDeployScenarioId: string | null;
}

export const replicasFor = (p: RunnerProject) => p.replicasScaled ?? p.settings.replicas;
