import type { ProjectSettings } from '@klepaas/contracts';

/** A pin holds the desired commit against pushes until a push moves the branch head, or an unpin. */
export interface Pin {
  by: string | null;
  reason: string;
  at: string;
  runId: string | null;
}

/** What the project should run (docs/runner.md, "Desired state"). */
export interface DesiredState {
  /** Grows by one with every change; a run records the version it was made for. */
  version: number;
  commitSha: string | null;
  commitMessage: string | null;
  replicas: number;
  pin: Pin | null;
  /** The branch head when the pin was set: a push that leaves the branch there does not lift it. */
  pinnedHead: string | null;
}

/** What the project runs now: the target of its newest successful run (by sequence). */
export interface DeployedState {
  commitSha: string | null;
  replicas: number | null;
  runId: string | null;
  seq: number;
}

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
  namespace: string | null;
  imageName: string | null;
  sourceCommitRepository: string | null;
  sourceBuildProjectId: string | null;
  sourceDeployProjectId: string | null;
  sourceDeployStageId: string | null;
  sourceDeployScenarioId: string | null;
  desired: DesiredState;
  deployed: DeployedState;
  /** The branch head GitHub last reported to a trigger or the reconcile, and the ETag of that answer. */
  branchHead: string | null;
  branchEtag: string | null;
}
