import {
  Controller,
  Get,
  Header,
  HttpCode,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { BearerAuthGuard, CurrentPrincipal, Principal } from '@klepaas/auth';
import type { ProjectView } from '@klepaas/read-model';
import { ProjectViews } from '../projects/project-views';
import { MAX_LOG_LINES, ProjectCluster } from './project-cluster.service';

/** A project's workloads on the cluster, for its owner (docs/cluster.md). */
@ApiTags('projects')
@ApiBearerAuth()
@UseGuards(BearerAuthGuard)
@Controller('api/v1/projects/:id')
export class ProjectClusterController {
  constructor(
    private readonly views: ProjectViews,
    private readonly cluster: ProjectCluster,
  ) {}

  @Get('live')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'What runs now: desired and ready replicas, pods with phase, restarts, start time' })
  @ApiResponse({ status: 404, description: "unknown, or another user's" })
  @ApiResponse({ status: 409, description: 'the project is not ready (no namespace yet, or being deleted)' })
  @ApiResponse({ status: 501, description: 'no cluster access is configured (the reason)' })
  async live(@CurrentPrincipal() caller: Principal, @Param('id', new ParseUUIDPipe()) id: string) {
    return this.cluster.live(await this.own(caller, id));
  }

  @Get('pods/:pod/logs')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: `The last lines of a pod's log (at most ${MAX_LOG_LINES} lines and 256 KiB)` })
  @ApiQuery({ name: 'lines', required: false, description: `1-${MAX_LOG_LINES}, default 100` })
  @ApiQuery({ name: 'container', required: false, description: 'needed when the pod has several containers' })
  @ApiResponse({ status: 404, description: "unknown project, another user's, or no such pod in its namespace" })
  @ApiResponse({ status: 501, description: 'no cluster access is configured (the reason)' })
  async logs(
    @CurrentPrincipal() caller: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('pod') pod: string,
    @Query('lines') lines?: string,
    @Query('container') container?: string,
  ) {
    return this.cluster.logs(await this.own(caller, id), pod, lines, container);
  }

  @Post('restart')
  @HttpCode(202)
  @ApiOperation({ summary: 'Rollout restart of every Deployment of the project (new pods, same image)' })
  @ApiResponse({ status: 404, description: "unknown, or another user's" })
  @ApiResponse({ status: 501, description: 'no cluster access is configured (the reason)' })
  async restart(@CurrentPrincipal() caller: Principal, @Param('id', new ParseUUIDPipe()) id: string) {
    return this.cluster.restart(await this.own(caller, id));
  }

  private async own(caller: Principal, id: string): Promise<ProjectView> {
    const project = await this.views.find(id, caller.userId);
    if (!project) throw new NotFoundException(`project ${id} not found`);
    return project;
  }
}
