import type { DesiredState, RunnerProject } from '../../src/projects/runner-project';

/** A ready project as the runner keeps it, for unit tests; anything can be overridden. */
export function aProject(
  overrides: Partial<Omit<RunnerProject, 'settings' | 'desired'>> & {
    settings?: Partial<RunnerProject['settings']>;
    desired?: Partial<DesiredState>;
  } = {},
): RunnerProject {
  const { settings, desired, ...rest } = overrides;
  return {
    projectId: '00000000-0000-4000-8000-000000000001',
    githubRepositoryId: 1,
    owner: 'acme',
    repo: 'web',
    installationId: 7,
    status: 'ready',
    settings: {
      branch: 'main',
      autoDeploy: true,
      mergeOnly: false,
      paths: [],
      replicas: 1,
      containerPort: 8080,
      ...settings,
    },
    autoDeployReason: null,
    namespace: 'acme-web',
    imageName: 'acme-web',
    sourceCommitRepository: 'acme-web',
    sourceBuildProjectId: '1',
    sourceDeployProjectId: '2',
    sourceDeployStageId: '3',
    sourceDeployScenarioId: '4',
    desired: { version: 0, commitSha: null, commitMessage: null, replicas: 1, pin: null, pinnedHead: null, ...desired },
    deployed: { commitSha: null, replicas: null, runId: null, seq: 0 },
    branchHead: null,
    branchEtag: null,
    ...rest,
  };
}
