import { Injectable } from '@nestjs/common';
import { BuildProjects } from '../sourcebuild/build-projects.store';
import { BuildsService } from '../sourcebuild/builds.service';
import { DeployProjects } from '../sourcedeploy/deploy-projects.store';
import { DeploysService } from '../sourcedeploy/deploys.service';
import type { PipelineTask } from './pipelines.store';

export type TaskOutcome = 'success' | 'fail' | 'canceled';

export interface StartedTask {
  /** The child job's id: the SourceBuild buildId or the SourceDeploy history id (as a string). */
  resultId: string;
  finished: Promise<{ outcome: TaskOutcome; reason?: string }>;
  cancel(): void;
}

/** Starts the SourceBuild build or SourceDeploy deploy behind one pipeline task, and follows it. */
@Injectable()
export class PipelineTaskRunner {
  constructor(
    private readonly buildProjects: BuildProjects,
    private readonly builds: BuildsService,
    private readonly deployProjects: DeployProjects,
    private readonly deploys: DeploysService,
  ) {}

  /** Starts the task's job; throws (with a readable message) when what it names is gone. */
  start(task: PipelineTask): StartedTask {
    const { projectId, stageId, scenarioId } = task.config;
    if (task.type === 'SourceBuild') {
      const project = this.buildProjects.find(projectId);
      if (!project) throw new Error(`SourceBuild project ${projectId} no longer exists`);
      const build = this.builds.start(project, { branch: task.config.target?.info?.branch, startedBy: 'pipeline' });
      return {
        resultId: build.buildId,
        finished: this.builds
          .whenFinished(build.buildId)
          .then((b) => ({ outcome: outcomeOf(b.status), reason: b.sandbox.reason })),
        cancel: () => this.builds.cancel(project.id, build.buildId),
      };
    }
    const project = this.deployProjects.findProject(projectId);
    const stage = project && stageId !== undefined ? this.deployProjects.findStage(projectId, stageId) : undefined;
    const scenario =
      stage && scenarioId !== undefined ? this.deployProjects.findScenario(stage, scenarioId) : undefined;
    if (!project || !stage || !scenario)
      throw new Error(`SourceDeploy project ${projectId} stage ${stageId} scenario ${scenarioId} no longer exists`);
    const history = this.deploys.start(project, stage, scenario, 'pipeline');
    return {
      resultId: String(history.id),
      finished: this.deploys.whenFinished(history.id).then((h) => ({ outcome: outcomeOf(h.status), reason: h.reason })),
      cancel: () => this.deploys.cancel(project.id, history.id),
    };
  }
}

function outcomeOf(status: string): TaskOutcome {
  return status === 'success' ? 'success' : status === 'canceled' ? 'canceled' : 'fail';
}
