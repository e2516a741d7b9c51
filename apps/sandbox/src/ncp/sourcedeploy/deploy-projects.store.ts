import { Injectable } from '@nestjs/common';
import { deepMerge } from '../../common/deep-merge';
import { Sequence } from '../../common/ids';
import { ProjectNames } from '../../common/project-names';
import { ResetHooks } from '../../common/reset-hooks';
import { SandboxContext } from '../../common/sandbox-context';
import { badRequest } from '../ncp-error';
import { parseBody } from '../ncp-validation';
import { SourceCommitRepositories } from '../sourcecommit/repositories.store';
import {
  changeScenarioBody,
  createDeployProjectBody,
  createScenarioBody,
  createStageBody,
  ScenarioSpec,
  StageSpec,
} from './deploy.schemas';

export interface DeployProject {
  id: number;
  name: string;
}
export interface Stage extends StageSpec {
  id: number;
  projectId: number;
}
export interface Scenario extends ScenarioSpec {
  id: number;
  projectId: number;
  stageId: number;
}

/** SourceDeploy's projects, their stages and the stages' scenarios, checked as NCP checks them. */
@Injectable()
export class DeployProjects {
  private readonly projects = new Map<number, DeployProject>();
  private readonly stages = new Map<number, Stage>();
  private readonly scenarios = new Map<number, Scenario>();
  private readonly projectIds = new Sequence(30001);
  private readonly stageIds = new Sequence(31001);
  private readonly scenarioIds = new Sequence(32001);

  constructor(
    private readonly repositories: SourceCommitRepositories,
    private readonly context: SandboxContext,
    projectNames: ProjectNames,
    resetHooks: ResetHooks,
  ) {
    projectNames.register('sourcedeploy', (id) => this.projects.get(id)?.name);
    resetHooks.register(() => {
      for (const map of [this.projects, this.stages, this.scenarios]) map.clear();
      for (const ids of [this.projectIds, this.stageIds, this.scenarioIds]) ids.reset();
    });
  }

  listProjects(): DeployProject[] {
    return [...this.projects.values()];
  }

  findProject(id: number): DeployProject | undefined {
    return this.projects.get(id);
  }

  createProject(body: unknown): DeployProject {
    const { name } = parseBody(createDeployProjectBody, body);
    if (this.listProjects().some((p) => p.name === name)) throw badRequest(`project name "${name}" is already in use`);
    const project = { id: this.projectIds.take(), name };
    this.projects.set(project.id, project);
    return project;
  }

  deleteProject(project: DeployProject): void {
    for (const stage of this.stagesOf(project.id)) this.deleteStage(stage);
    this.projects.delete(project.id);
  }

  stagesOf(projectId: number): Stage[] {
    return [...this.stages.values()].filter((s) => s.projectId === projectId);
  }

  findStage(projectId: number, stageId: number): Stage | undefined {
    const stage = this.stages.get(stageId);
    return stage?.projectId === projectId ? stage : undefined;
  }

  createStage(project: DeployProject, body: unknown): Stage {
    const spec = parseBody(createStageBody, body);
    if (this.stagesOf(project.id).some((s) => s.name === spec.name))
      throw badRequest(`stage name "${spec.name}" is already in use in project ${project.id}`);
    const problem = this.stageTargetProblem(spec);
    if (problem) throw badRequest(problem);
    const stage: Stage = { ...spec, id: this.stageIds.take(), projectId: project.id };
    this.stages.set(stage.id, stage);
    return stage;
  }

  /** PATCH stage (used by Terraform and libs/ncp; not in the API table): the whole body again, checked as on create. */
  changeStage(stage: Stage, body: unknown): Stage {
    const spec = parseBody(createStageBody, body);
    if (this.stagesOf(stage.projectId).some((s) => s.name === spec.name && s.id !== stage.id))
      throw badRequest(`stage name "${spec.name}" is already in use in project ${stage.projectId}`);
    const problem = this.stageTargetProblem(spec);
    if (problem) throw badRequest(problem);
    const changed: Stage = { ...spec, id: stage.id, projectId: stage.projectId };
    this.stages.set(changed.id, changed);
    return changed;
  }

  deleteStage(stage: Stage): void {
    for (const scenario of this.scenariosOf(stage.id)) this.scenarios.delete(scenario.id);
    this.stages.delete(stage.id);
  }

  scenariosOf(stageId: number): Scenario[] {
    return [...this.scenarios.values()].filter((s) => s.stageId === stageId);
  }

  findScenario(stage: Stage, scenarioId: number): Scenario | undefined {
    const scenario = this.scenarios.get(scenarioId);
    return scenario?.stageId === stage.id ? scenario : undefined;
  }

  createScenario(stage: Stage, body: unknown): Scenario {
    const spec = this.validScenario(stage, body);
    if (this.scenariosOf(stage.id).some((s) => s.name === spec.name))
      throw badRequest(`scenario name "${spec.name}" is already in use in stage ${stage.id}`);
    const scenario: Scenario = { ...spec, id: this.scenarioIds.take(), projectId: stage.projectId, stageId: stage.id };
    this.scenarios.set(scenario.id, scenario);
    return scenario;
  }

  changeScenario(stage: Stage, scenario: Scenario, body: unknown): Scenario {
    const patch = parseBody(changeScenarioBody, body);
    const merged = {
      name: scenario.name,
      description: patch.description ?? scenario.description,
      config: deepMerge(scenario.config, patch.config ?? {}),
    };
    const changed: Scenario = {
      ...this.validScenario(stage, merged),
      id: scenario.id,
      projectId: scenario.projectId,
      stageId: scenario.stageId,
    };
    this.scenarios.set(changed.id, changed);
    return changed;
  }

  deleteScenario(scenario: Scenario): void {
    this.scenarios.delete(scenario.id);
  }

  private validScenario(stage: Stage, body: unknown): ScenarioSpec {
    const spec = parseBody(createScenarioBody, body);
    const problems: string[] = [];
    const manifest = spec.config.manifest;
    if (stage.type === 'KubernetesService' && !manifest)
      problems.push('config.manifest: required for a KubernetesService stage');
    if (manifest && !this.repositories.find(manifest.repository))
      problems.push(`config.manifest.repository: SourceCommit repository "${manifest.repository}" does not exist`);
    if (spec.config.strategy === 'canary' && !spec.config.canaryConfig)
      problems.push('config.canaryConfig: required for the canary strategy');
    if (problems.length) throw badRequest(problems.join('; '));
    return spec;
  }

  /** A stage must target something that exists: here, only the one sandbox NKS cluster does. */
  private stageTargetProblem(spec: StageSpec): string | undefined {
    const { nksClusterUuid, nksClusterNo } = this.context.options;
    if (spec.type !== 'KubernetesService')
      return `type ${spec.type}: no such ${spec.type} target exists in the sandbox (it has one NKS cluster, for KubernetesService stages)`;
    const { clusterUuid, clusterNo } = spec.config;
    if (clusterUuid === undefined && clusterNo === undefined)
      return 'config.clusterUuid (or config.clusterNo): required for a KubernetesService stage';
    if (clusterUuid !== undefined && clusterUuid !== nksClusterUuid)
      return `config.clusterUuid: NKS cluster "${clusterUuid}" does not exist (see GET /kubernetes/cluster)`;
    if (clusterNo !== undefined && clusterNo !== nksClusterNo)
      return `config.clusterNo: NKS cluster ${clusterNo} does not exist (see GET /kubernetes/cluster)`;
    return undefined;
  }
}
