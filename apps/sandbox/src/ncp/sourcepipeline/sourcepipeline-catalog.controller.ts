import { Controller, Get, Param, Query } from '@nestjs/common';
import { GitCli } from '../../common/git-cli';
import { NcpApi } from '../ncp-api.decorator';
import { notFound } from '../ncp-error';
import { idParam, page, positiveIntQuery } from '../ncp-validation';
import { BuildProjects } from '../sourcebuild/build-projects.store';
import { DeployProjects } from '../sourcedeploy/deploy-projects.store';
import { SourceCommitRepositories } from '../sourcecommit/repositories.store';

/** SourcePipeline's pickers for building tasks and triggers. */
@Controller('ncp/sourcepipeline/api/v1')
@NcpApi()
export class SourcePipelineCatalogController {
  constructor(
    private readonly buildProjects: BuildProjects,
    private readonly deployProjects: DeployProjects,
    private readonly repositories: SourceCommitRepositories,
    private readonly git: GitCli,
  ) {}

  @Get('sourcebuild/project')
  buildProjectList(
    @Query('pageNo') pageNo?: string,
    @Query('pageSize') pageSize?: string,
    @Query('searchWord') searchWord?: string,
  ) {
    const all = this.buildProjects.list().filter((p) => !searchWord || p.name.includes(searchWord));
    return {
      projectList: page(all, positiveIntQuery(pageNo, 'pageNo'), positiveIntQuery(pageSize, 'pageSize')).map((p) => ({
        id: p.id,
        name: p.name,
        source: { type: p.source.type, repository: p.source.config.repository, branch: p.source.config.branch },
      })),
    };
  }

  @Get('sourcedeploy/project')
  deployProjectList() {
    return { projectList: this.deployProjects.listProjects().map(({ id, name }) => ({ id, name })) };
  }

  @Get('sourcedeploy/project/:projectId/stage')
  stageList(@Param('projectId') projectId: string) {
    return {
      stageList: this.deployProjects
        .stagesOf(this.project(projectId))
        .map(({ id, name, type }) => ({ id, name, type })),
    };
  }

  @Get('sourcedeploy/project/:projectId/stage/:stageId/scenario')
  scenarioList(@Param('projectId') projectId: string, @Param('stageId') stageId: string) {
    const stage = this.deployProjects.findStage(this.project(projectId), idParam(stageId, 'stage'));
    if (!stage) throw notFound(`stage ${stageId} not found`);
    return { scenarioList: this.deployProjects.scenariosOf(stage.id).map(({ id, name }) => ({ id, name })) };
  }

  @Get('sourcecommit/repository')
  repositoryList() {
    return { repositoryList: this.repositories.list().map(({ name }) => ({ name })) };
  }

  @Get('sourcecommit/repository/:name/branch')
  async branchList(@Param('name') name: string) {
    const repo = this.repositories.find(name);
    if (!repo) throw notFound(`repository "${name}" not found`);
    return { branchList: (await this.git.branches(repo.gitDir)).map((branch) => ({ name: branch })) };
  }

  @Get('trigger/timezone')
  timezones() {
    return { timeZone: ['Asia/Seoul', 'Asia/Tokyo', 'Asia/Singapore', 'UTC'] };
  }

  private project(raw: string): number {
    const project = this.deployProjects.findProject(idParam(raw, 'project'));
    if (!project) throw notFound(`project ${raw} not found`);
    return project.id;
  }
}
