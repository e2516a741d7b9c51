import type { CreatePipelineRequest } from './sourcepipeline.models';

export interface BuildThenDeploySpec {
  name: string;
  description?: string;
  buildProjectId: number;
  deployProjectId: number;
  stageId: number;
  scenarioId: number;
  /** Branch override for the build task. */
  branch?: string;
  buildTaskName?: string;
  deployTaskName?: string;
}

/**
 * The pipeline the provisioner creates (architecture.md decision 3): a build task, a deploy task
 * linked after it, and `trigger: {}`. No repository trigger, because the runner drives builds
 * itself and a trigger on the mirrored branch would run everything twice (docs/ncp.md, api §6.2).
 */
export function buildThenDeployPipeline(spec: BuildThenDeploySpec): CreatePipelineRequest {
  const build = spec.buildTaskName ?? 'build';
  const deploy = spec.deployTaskName ?? 'deploy';
  if (build === deploy) throw new Error('the build and deploy tasks need different names');
  return {
    name: spec.name,
    ...(spec.description === undefined ? {} : { description: spec.description }),
    tasks: [
      {
        name: build,
        type: 'SourceBuild',
        config: {
          projectId: spec.buildProjectId,
          ...(spec.branch ? { target: { info: { branch: spec.branch } } } : {}),
        },
        linkedTasks: [],
      },
      {
        name: deploy,
        type: 'SourceDeploy',
        config: { projectId: spec.deployProjectId, stageId: spec.stageId, scenarioId: spec.scenarioId },
        linkedTasks: [build],
      },
    ],
    trigger: {},
  };
}
