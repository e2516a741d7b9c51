import type { ProjectSettings } from '@klepaas/contracts';
import type { ProjectNames } from './project-names';

export type ProjectStatus = 'provisioning' | 'ready' | 'failed' | 'deleting' | 'deleted';

/** The NCP ids, each stored as soon as it is known, so a retry completes only what is missing. */
export interface ProjectNcpIds {
  sourceCommitRepositoryId: string | null;
  sourceBuildProjectId: string | null;
  sourceDeployProjectId: string | null;
  sourceDeployStageId: string | null;
  sourceDeployScenarioId: string | null;
  sourcePipelineId: string | null;
}

/** The integration record of one project (the provisioner's own table). */
export interface Project {
  id: string;
  ownerId: string;
  owner: string;
  repo: string;
  githubRepositoryId: number;
  installationId: number | null;
  settings: ProjectSettings;
  autoDeployReason: string | null;
  status: ProjectStatus;
  failedStep: string | null;
  names: ProjectNames;
  ncp: ProjectNcpIds;
  /** NCP resources the project has started to create (their keys): the only ones it may adopt by name. */
  creating: Array<keyof ProjectNcpIds>;
  /** The user asked to unregister (whether to delete the SourceCommit repository), and by which event. */
  unregisterRequest: { deleteRepository: boolean; causationId: string } | null;
  /** When the runner said the project's runs were stopped: NCP resources may go from then on. */
  runsStoppedAt: Date | null;
}
