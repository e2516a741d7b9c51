import { Body, Controller, Delete, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { NcpApi } from '../ncp-api.decorator';
import { badRequest, notFound } from '../ncp-error';
import { idParam, page, parseBody, positiveIntQuery } from '../ncp-validation';
import { cancelBuildBody } from './build-project.schemas';
import { BuildProject, BuildProjects } from './build-projects.store';
import { BuildsService } from './builds.service';
import { COMPUTE, DOCKER_ENGINES, OS, RUNTIMES } from './env-catalog';

/** SourceBuild API v1 projects and builds (docs/ncp.md, api §4.1 to 4.4), under /ncp/sourcebuild. */
@Controller('ncp/sourcebuild/api/v1/project')
@NcpApi()
export class BuildProjectsController {
  constructor(
    private readonly projects: BuildProjects,
    private readonly builds: BuildsService,
  ) {}

  @Get()
  list(
    @Query('pageNo') pageNo?: string,
    @Query('pageSize') pageSize?: string,
    @Query('projectName') projectName?: string,
  ) {
    const all = this.projects.list().filter((p) => !projectName || p.name.includes(projectName));
    const project = page(all, positiveIntQuery(pageNo, 'pageNo'), positiveIntQuery(pageSize, 'pageSize')).map((p) => ({
      id: p.id,
      name: p.name,
      permission: 'Manager',
      actionName: 'View,Change,Delete,Build',
    }));
    return { total: all.length, project };
  }

  @Post()
  create(@Body() body: unknown) {
    const project = this.projects.create(body);
    return { id: project.id, name: project.name };
  }

  @Get(':projectId')
  detail(@Param('projectId') raw: string) {
    const project = this.mustFind(raw);
    const { env } = project;
    const os = OS.find((o) => o.id === env.platform.config.os?.id);
    const runtime = os ? RUNTIMES[os.id]?.find((r) => r.id === env.platform.config.runtime?.id) : undefined;
    const version = runtime?.versions.find((v) => v.id === env.platform.config.runtime?.version?.id);
    const engine = DOCKER_ENGINES.find((d) => d.id === (env.docker?.id ?? DOCKER_ENGINES[0].id));
    const last = this.builds.history(project.id)[0];
    return {
      id: project.id,
      name: project.name,
      description: project.description ?? '',
      created: project.created,
      source: project.source,
      env: {
        compute: COMPUTE.find((c) => c.id === env.compute.id),
        platform: {
          type: env.platform.type,
          config: {
            os: os ?? {},
            runtime: runtime ? { id: runtime.id, name: runtime.name, version: version ?? {} } : { version: {} },
            registry: env.platform.config.registry,
            image: env.platform.config.image,
            tag: env.platform.config.tag,
          },
        },
        docker: {
          use: env.docker?.use ?? false,
          id: env.docker?.use ? engine?.id : undefined,
          name: env.docker?.use ? engine?.name : undefined,
        },
        timeout: env.timeout ?? 60,
        envVars: env.envVars ?? [],
      },
      cmd: project.cmd ?? { pre: [], build: [], post: [], dockerbuild: { use: false } },
      artifact: project.artifact ?? { use: false },
      cache: project.cache ?? { use: false },
      linked: {
        CloudLogAnalytics: project.linked?.CloudLogAnalytics ?? false,
        FileSafer: project.linked?.FileSafer ?? false,
      },
      lastBuild: last ? { id: last.buildId, timestamp: last.begin, status: last.status } : null,
    };
  }

  @Patch(':projectId')
  change(@Param('projectId') raw: string, @Body() body: unknown) {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('body: expected an object');
    const project = this.projects.change(this.mustFind(raw), body as Record<string, unknown>);
    return { id: project.id, name: project.name };
  }

  @Delete(':projectId')
  remove(@Param('projectId') raw: string) {
    const project = this.mustFind(raw);
    this.builds.cancelAll(project.id);
    this.projects.delete(project);
    return true;
  }

  /** Start a build of the branch head. No body is documented, so none is read (docs/ncp.md, api §4.5). */
  @Post(':projectId/build')
  build(@Param('projectId') raw: string) {
    const project = this.mustFind(raw);
    const build = this.builds.start(project);
    return { projectId: project.id, buildId: build.buildId };
  }

  @Delete(':projectId/build')
  cancel(@Param('projectId') raw: string, @Body() body: unknown) {
    const project = this.mustFind(raw);
    this.builds.cancel(project.id, parseBody(cancelBuildBody, body).buildId);
    // The docs show the cancel result nested as result.result.
    return { result: true };
  }

  @Get(':projectId/history')
  history(@Param('projectId') raw: string) {
    const history = this.builds
      .history(this.mustFind(raw).id)
      .map(({ projectId, buildId, begin, end, userId, status, failedPhase }) => ({
        projectId,
        buildId,
        begin,
        end,
        userId,
        status,
        failedPhase,
      }));
    return { total: history.length, history };
  }

  private mustFind(raw: string): BuildProject {
    const project = this.projects.find(idParam(raw, 'project'));
    if (!project) throw notFound(`project ${raw} not found`);
    return project;
  }
}
