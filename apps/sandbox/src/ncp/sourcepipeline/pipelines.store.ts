import { Injectable } from '@nestjs/common';
import { Sequence } from '../../common/ids';
import { ProjectNames } from '../../common/project-names';
import { ResetHooks } from '../../common/reset-hooks';
import { badRequest } from '../ncp-error';
import { parseBody } from '../ncp-validation';
import { BuildProjects } from '../sourcebuild/build-projects.store';
import { DeployProjects } from '../sourcedeploy/deploy-projects.store';
import { SourceCommitRepositories } from '../sourcecommit/repositories.store';
import { checkPipelineReferences } from './pipeline.references';
import { changePipelineBody, createPipelineBody, TaskSpec, TriggerSpec } from './pipeline.schemas';

export interface PipelineTask extends TaskSpec {
  id: number;
}

export interface Pipeline {
  id: number;
  name: string;
  description: string;
  tasks: PipelineTask[];
  trigger: TriggerSpec;
}

/** SourcePipeline projects: tasks chaining SourceBuild and SourceDeploy, checked before they are stored. */
@Injectable()
export class Pipelines {
  private readonly pipelines = new Map<number, Pipeline>();
  private readonly ids = new Sequence(40001);
  private readonly taskIds = new Sequence(41001);

  constructor(
    private readonly buildProjects: BuildProjects,
    private readonly deployProjects: DeployProjects,
    private readonly repositories: SourceCommitRepositories,
    projectNames: ProjectNames,
    resetHooks: ResetHooks,
  ) {
    projectNames.register('sourcepipeline', (id) => this.pipelines.get(id)?.name);
    resetHooks.register(() => {
      this.pipelines.clear();
      this.ids.reset();
      this.taskIds.reset();
    });
  }

  list(): Pipeline[] {
    return [...this.pipelines.values()];
  }

  find(id: number): Pipeline | undefined {
    return this.pipelines.get(id);
  }

  create(body: unknown): Pipeline {
    const spec = parseBody(createPipelineBody, body);
    if (this.list().some((p) => p.name === spec.name))
      throw badRequest(`pipeline name "${spec.name}" is already in use`);
    this.check(spec.tasks, spec.trigger);
    const pipeline: Pipeline = {
      id: this.ids.take(),
      name: spec.name,
      description: spec.description ?? '',
      tasks: this.withIds(spec.tasks),
      trigger: spec.trigger ?? {},
    };
    this.pipelines.set(pipeline.id, pipeline);
    return pipeline;
  }

  change(pipeline: Pipeline, body: unknown): void {
    const spec = parseBody(changePipelineBody, body);
    this.check(spec.tasks, spec.trigger);
    pipeline.tasks = this.withIds(spec.tasks);
    if (spec.description !== undefined) pipeline.description = spec.description;
    if (spec.trigger !== undefined) pipeline.trigger = spec.trigger ?? {};
  }

  delete(pipeline: Pipeline): void {
    this.pipelines.delete(pipeline.id);
  }

  private withIds(tasks: TaskSpec[]): PipelineTask[] {
    return tasks.map((task) => ({ ...task, id: this.taskIds.take() }));
  }

  private check(tasks: TaskSpec[], trigger: TriggerSpec | null | undefined): void {
    const problems = checkPipelineReferences(tasks, trigger, {
      buildProjectExists: (id) => this.buildProjects.find(id) !== undefined,
      deployScenarioExists: (projectId, stageId, scenarioId) => {
        if (!this.deployProjects.findProject(projectId)) return `SourceDeploy project ${projectId} does not exist`;
        const stage = this.deployProjects.findStage(projectId, stageId);
        if (!stage) return `stage ${stageId} does not exist in SourceDeploy project ${projectId}`;
        if (!this.deployProjects.findScenario(stage, scenarioId))
          return `scenario ${scenarioId} does not exist in stage ${stageId}`;
        return undefined;
      },
      repositoryExists: (name) => this.repositories.find(name) !== undefined,
      pipelineExists: (id) => this.pipelines.has(id),
    });
    if (problems.length) throw badRequest(problems.join('; '));
  }
}
