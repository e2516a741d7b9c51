import { BadRequestException, Controller, Get, Header, Param, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { BearerAuthGuard, CurrentPrincipal, Principal } from '@klepaas/auth';
import type { ProjectView } from '@klepaas/read-model';
import { CallerProjects } from './caller-projects';
import { queryInteger, queryValue } from './compat-query';
import { DashboardDeployments } from './dashboard-deployments';
import { DashboardPipelines } from './dashboard-pipelines';
import { parseAlias } from './numeric-ids';

/** Deployment histories reach back this many runs (filtered by status within them). */
const HISTORY_WINDOW = 200;
const STATUSES = ['pending', 'running', 'success', 'failed'];

/** The dashboard's CI/CD pipelines tab and deployments view (docs/compat.md). */
@ApiTags('compat: original dashboard')
@ApiBearerAuth()
@UseGuards(BearerAuthGuard)
@Controller('api/v1')
export class CompatPipelinesController {
  constructor(
    private readonly projects: CallerProjects,
    private readonly pipelines: DashboardPipelines,
    private readonly deployments: DashboardDeployments,
  ) {}

  @Get('github/pipelines')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Runs with their three stages, newest first (?repository=owner/repo, else every project)' })
  @ApiResponse({ status: 200, description: '{"status": "success", "deployments": [...]}' })
  async list(@CurrentPrincipal() caller: Principal, @Query() query: Record<string, unknown>) {
    const limit = queryInteger(query, 'limit', 50, 1, 100);
    const projects = await this.scope(caller, query);
    return { status: 'success', deployments: await this.pipelines.newest(caller, projects, limit) };
  }

  @Get('deployment-histories')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'The same runs, by limit and offset, optionally of one status' })
  async histories(@CurrentPrincipal() caller: Principal, @Query() query: Record<string, unknown>) {
    const limit = queryInteger(query, 'limit', 20, 1, 100);
    const offset = queryInteger(query, 'offset', 0, 0, HISTORY_WINDOW - 1);
    const status = queryValue(query, 'status') || undefined;
    if (status && !STATUSES.includes(status))
      throw new BadRequestException(`status: must be one of ${STATUSES.join(', ')}`);
    const projects = await this.scope(caller, query);
    const window = status ? HISTORY_WINDOW : Math.min(HISTORY_WINDOW, offset + limit);
    const runs = (await this.pipelines.newest(caller, projects, window)).filter((r) => !status || r.status === status);
    return { status: 'success', deployments: runs.slice(offset, offset + limit), limit, offset };
  }

  @Get('deployment-histories/repositories/latest')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Every connected repository with its newest deployment (or null)' })
  async latest(@CurrentPrincipal() caller: Principal) {
    const projects = await this.projects.all(caller);
    return { status: 'success', repositories: await this.deployments.latestPerRepository(caller, projects) };
  }

  @Get('deployment-histories/:id')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'One run by its integer id (the dashboard polls it while a card is running)' })
  @ApiResponse({ status: 404, description: "unknown, or another user's" })
  async one(@CurrentPrincipal() caller: Principal, @Param('id') id: string) {
    const alias = parseAlias(id);
    if (alias === null) throw new BadRequestException('id: must be a deployment id (a positive integer)');
    return { status: 'success', deployment: await this.pipelines.one(caller, alias) };
  }

  /** One repository (`?repository=owner/repo`), or all of the caller's. */
  private async scope(caller: Principal, query: Record<string, unknown>): Promise<ProjectView[]> {
    const repository = queryValue(query, 'repository');
    if (!repository || repository === 'all') return this.projects.all(caller);
    return [await this.projects.byFullName(caller, repository)];
  }
}
