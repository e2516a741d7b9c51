import { Body, Controller, Delete, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { NcpApi } from '../ncp-api.decorator';
import { badRequest, notFound } from '../ncp-error';
import { idParam, page, positiveIntQuery } from '../ncp-validation';
import { BuildProjects } from '../sourcebuild/build-projects.store';
import { DeployProjects } from '../sourcedeploy/deploy-projects.store';
import { PipelineRunsService, TaskRun } from './pipeline-runs.service';
import { Pipeline, PipelineTask, Pipelines } from './pipelines.store';

/** SourcePipeline API v1 (docs/ncp.md, api §6), under /ncp/sourcepipeline. */
@Controller('ncp/sourcepipeline/api/v1/project')
@NcpApi()
export class PipelinesController {
  constructor(
    private readonly pipelines: Pipelines,
    private readonly runs: PipelineRunsService,
    private readonly buildProjects: BuildProjects,
    private readonly deployProjects: DeployProjects,
  ) {}

  @Get()
  list() {
    return { projectList: this.pipelines.list().map(({ id, name }) => ({ id, name })) };
  }

  @Post()
  create(@Body() body: unknown) {
    return { projectId: this.pipelines.create(body).id };
  }

  @Get(':projectId')
  detail(@Param('projectId') raw: string) {
    const pipeline = this.mustFind(raw);
    return {
      id: pipeline.id,
      name: pipeline.name,
      description: pipeline.description,
      tasks: pipeline.tasks.map((task) => ({
        id: task.id,
        name: task.name,
        type: task.type,
        config: this.taskConfig(task),
        linkedTasks: task.linkedTasks,
      })),
      trigger: pipeline.trigger,
    };
  }

  @Patch(':projectId')
  change(@Param('projectId') raw: string, @Body() body: unknown) {
    this.pipelines.change(this.mustFind(raw), body);
    return true;
  }

  @Delete(':projectId')
  remove(@Param('projectId') raw: string) {
    this.pipelines.delete(this.mustFind(raw));
    return true;
  }

  /** No body. */
  @Post(':projectId/do')
  run(@Param('projectId') raw: string) {
    return { historyId: this.runs.start(this.mustFind(raw)).id };
  }

  /** pageNo and pageSize come together or not at all (then the whole list). */
  @Get(':projectId/history')
  history(@Param('projectId') raw: string, @Query('pageNo') pageNo?: string, @Query('pageSize') pageSize?: string) {
    const pipeline = this.mustFind(raw);
    if ((pageNo === undefined) !== (pageSize === undefined))
      throw badRequest('pageNo and pageSize must be given together');
    const all = this.runs.history(pipeline.id);
    const historyList = page(all, positiveIntQuery(pageNo, 'pageNo'), positiveIntQuery(pageSize, 'pageSize')).map(
      ({ projectId, id, requestType, requestId, begin, end, status }) => ({
        projectId,
        id,
        requestType,
        requestId,
        begin,
        end,
        status,
      }),
    );
    return { historyList };
  }

  @Get(':projectId/history/:historyId')
  historyDetail(@Param('projectId') raw: string, @Param('historyId') rawHistory: string) {
    const pipeline = this.mustFind(raw);
    const history = this.runs.find(pipeline.id, idParam(rawHistory, 'history'));
    if (!history) throw notFound(`history ${rawHistory} not found in pipeline ${pipeline.id}`);
    const { id, projectId, begin, end, status, tasks } = history;
    return { history: { id, projectId, begin, end, status, tasks: tasks.map((t) => this.taskRunView(t)) } };
  }

  @Post(':projectId/history/:historyId/cancel')
  cancel(@Param('projectId') raw: string, @Param('historyId') rawHistory: string) {
    this.runs.cancel(this.mustFind(raw).id, idParam(rawHistory, 'history'));
    return true;
  }

  private mustFind(raw: string): Pipeline {
    const pipeline = this.pipelines.find(idParam(raw, 'project'));
    if (!pipeline) throw notFound(`project ${raw} not found`);
    return pipeline;
  }

  private taskRunView(task: TaskRun) {
    return {
      id: task.id,
      name: task.name,
      type: task.type,
      linkedTasks: task.linkedTasks,
      status: task.status,
      resultId: task.resultId,
      config: this.taskConfig(task),
      reason: task.reason ?? null,
    };
  }

  /** A task's config as NCP shows it, with the target it resolves to. */
  private taskConfig(task: PipelineTask) {
    const { projectId, stageId, scenarioId } = task.config;
    if (task.type === 'SourceBuild') {
      const project = this.buildProjects.find(projectId);
      const repository = project?.source.config.repository ?? null;
      const branch = task.config.target?.info?.branch ?? project?.source.config.branch ?? null;
      return { projectId, target: { type: 'SourceCommit', name: project?.name ?? null, info: { repository, branch } } };
    }
    const project = this.deployProjects.findProject(projectId);
    const stage = project && stageId !== undefined ? this.deployProjects.findStage(projectId, stageId) : undefined;
    const manifest =
      stage && scenarioId !== undefined
        ? this.deployProjects.findScenario(stage, scenarioId)?.config.manifest
        : undefined;
    return {
      projectId,
      stageId,
      scenarioId,
      target: {
        type: stage?.type ?? 'KubernetesService',
        name: project?.name ?? null,
        info: {
          projectName: project?.name ?? null,
          repository: manifest?.repository ?? null,
          branch: manifest?.branch ?? null,
          manifest: manifest?.path ?? [],
        },
      },
    };
  }
}
