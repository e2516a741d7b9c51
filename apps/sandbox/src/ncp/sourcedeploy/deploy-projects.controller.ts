import { Body, Controller, Delete, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { SandboxContext } from '../../common/sandbox-context';
import { NcpApi } from '../ncp-api.decorator';
import { page, positiveIntQuery } from '../ncp-validation';
import { DeployLookup } from './deploy-lookup';
import { DeployProjects, Stage } from './deploy-projects.store';

/** SourceDeploy API v1 projects, stages and scenarios (docs/ncp.md, api §5.1 to 5.3), under /ncp/sourcedeploy. */
@Controller('ncp/sourcedeploy/api/v1/project')
@NcpApi()
export class DeployProjectsController {
  constructor(
    private readonly store: DeployProjects,
    private readonly lookup: DeployLookup,
    private readonly context: SandboxContext,
  ) {}

  @Get()
  list(
    @Query('pageNo') pageNo?: string,
    @Query('pageSize') pageSize?: string,
    @Query('projectName') projectName?: string,
  ) {
    const all = this.store.listProjects().filter((p) => !projectName || p.name.includes(projectName));
    return { projectList: paged(all, pageNo, pageSize).map(({ id, name }) => ({ id, name })) };
  }

  @Post()
  create(@Body() body: unknown) {
    const { id, name } = this.store.createProject(body);
    return { id, name };
  }

  @Get(':projectId')
  detail(@Param('projectId') projectId: string) {
    const { id, name } = this.lookup.project(projectId);
    return { id, name };
  }

  @Delete(':projectId')
  remove(@Param('projectId') projectId: string) {
    this.store.deleteProject(this.lookup.project(projectId));
    return { result: true };
  }

  @Get(':projectId/stage')
  stages(
    @Param('projectId') projectId: string,
    @Query('pageNo') pageNo?: string,
    @Query('pageSize') pageSize?: string,
    @Query('stageName') stageName?: string,
  ) {
    const project = this.lookup.project(projectId);
    const all = this.store.stagesOf(project.id).filter((s) => !stageName || s.name.includes(stageName));
    return {
      project: { id: project.id, name: project.name },
      stageList: paged(all, pageNo, pageSize).map(({ id, name }) => ({ id, name })),
    };
  }

  @Post(':projectId/stage')
  createStage(@Param('projectId') projectId: string, @Body() body: unknown) {
    const { id, name } = this.store.createStage(this.lookup.project(projectId), body);
    return { id, name };
  }

  @Get(':projectId/stage/:stageId')
  stage(@Param('projectId') projectId: string, @Param('stageId') stageId: string) {
    const { project, stage } = this.lookup.stage(projectId, stageId);
    return {
      project: { id: project.id, name: project.name },
      id: stage.id,
      name: stage.name,
      type: stage.type,
      config: this.stageConfig(stage),
    };
  }

  @Patch(':projectId/stage/:stageId')
  changeStage(@Param('projectId') projectId: string, @Param('stageId') stageId: string, @Body() body: unknown) {
    const { id, name } = this.store.changeStage(this.lookup.stage(projectId, stageId).stage, body);
    return { id, name };
  }

  @Delete(':projectId/stage/:stageId')
  removeStage(@Param('projectId') projectId: string, @Param('stageId') stageId: string) {
    this.store.deleteStage(this.lookup.stage(projectId, stageId).stage);
    return { result: true };
  }

  @Get(':projectId/stage/:stageId/scenario')
  scenarios(
    @Param('projectId') projectId: string,
    @Param('stageId') stageId: string,
    @Query('pageNo') pageNo?: string,
    @Query('pageSize') pageSize?: string,
    @Query('scenarioName') scenarioName?: string,
  ) {
    const { project, stage } = this.lookup.stage(projectId, stageId);
    const all = this.store.scenariosOf(stage.id).filter((s) => !scenarioName || s.name.includes(scenarioName));
    return {
      project: { id: project.id, name: project.name },
      stage: { id: stage.id, name: stage.name },
      scenarioList: paged(all, pageNo, pageSize).map(({ id, name }) => ({ id, name })),
    };
  }

  @Post(':projectId/stage/:stageId/scenario')
  createScenario(@Param('projectId') projectId: string, @Param('stageId') stageId: string, @Body() body: unknown) {
    const { id, name } = this.store.createScenario(this.lookup.stage(projectId, stageId).stage, body);
    return { id, name };
  }

  @Get(':projectId/stage/:stageId/scenario/:scenarioId')
  scenario(
    @Param('projectId') projectId: string,
    @Param('stageId') stageId: string,
    @Param('scenarioId') scenarioId: string,
  ) {
    const { project, stage, scenario } = this.lookup.scenario(projectId, stageId, scenarioId);
    return {
      project: { id: project.id, name: project.name },
      stage: { id: stage.id, name: stage.name },
      id: scenario.id,
      name: scenario.name,
      type: stage.type,
      description: scenario.description ?? '',
      config: { rollback: false, ...scenario.config },
    };
  }

  @Patch(':projectId/stage/:stageId/scenario/:scenarioId')
  changeScenario(
    @Param('projectId') projectId: string,
    @Param('stageId') stageId: string,
    @Param('scenarioId') scenarioId: string,
    @Body() body: unknown,
  ) {
    const { stage, scenario } = this.lookup.scenario(projectId, stageId, scenarioId);
    const { id, name } = this.store.changeScenario(stage, scenario, body);
    return { id, name };
  }

  @Delete(':projectId/stage/:stageId/scenario/:scenarioId')
  removeScenario(
    @Param('projectId') projectId: string,
    @Param('stageId') stageId: string,
    @Param('scenarioId') scenarioId: string,
  ) {
    this.store.deleteScenario(this.lookup.scenario(projectId, stageId, scenarioId).scenario);
    return { result: true };
  }

  private stageConfig(stage: Stage) {
    const { nksClusterUuid, nksClusterNo, nksClusterName } = this.context.options;
    return { ...stage.config, clusterUuid: nksClusterUuid, clusterNo: nksClusterNo, clusterName: nksClusterName };
  }
}

function paged<T>(items: T[], pageNo?: string, pageSize?: string): T[] {
  return page(items, positiveIntQuery(pageNo, 'pageNo'), positiveIntQuery(pageSize, 'pageSize', 100));
}
