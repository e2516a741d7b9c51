import {
  BadRequestException,
  Controller,
  Get,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Query,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { BearerAuthGuard, CurrentPrincipal, Principal } from '@klepaas/auth';
import { DeliveryStatsView, MAX_WINDOW_DAYS, parseWindowDays, ReadModel } from '@klepaas/read-model';
import { ProjectViews } from '../projects/project-views';

const WINDOW_QUERY = {
  name: 'window',
  required: false,
  description: `days back from now: 1d to ${MAX_WINDOW_DAYS}d, default 30d`,
};
const FIGURES = {
  status: 200,
  description: 'deploymentFrequency, leadTimeForChanges (p50/p90 ms), changeFailureRate, timeToRestore (docs/api.md)',
};
const BAD_WINDOW = { status: 400, description: 'window is not a number of days (`7d`, `30d`, `90d`) within bounds' };

/** DORA figures from history's deployments, for the caller's own projects only. */
@ApiTags('stats')
@ApiBearerAuth()
@UseGuards(BearerAuthGuard)
@Controller('api/v1')
export class StatsController {
  constructor(
    private readonly readModel: ReadModel,
    private readonly projects: ProjectViews,
  ) {}

  @Get('projects/:id/stats')
  @ApiOperation({
    summary: "One project's delivery figures over a window: frequency, lead time, failure rate, restore time",
  })
  @ApiQuery(WINDOW_QUERY)
  @ApiResponse(FIGURES)
  @ApiResponse(BAD_WINDOW)
  @ApiResponse({ status: 404, description: "unknown project, or another user's" })
  async project(
    @CurrentPrincipal() caller: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query('window') window?: string,
  ): Promise<DeliveryStatsView> {
    const days = windowDays(window);
    if (!(await this.projects.find(id, caller.userId))) throw new NotFoundException(`project ${id} not found`);
    return this.readModel.stats.forProjects([id], days);
  }

  @Get('stats')
  @ApiOperation({ summary: "The same figures over all of the caller's projects together" })
  @ApiQuery(WINDOW_QUERY)
  @ApiResponse(FIGURES)
  @ApiResponse(BAD_WINDOW)
  async all(@CurrentPrincipal() caller: Principal, @Query('window') window?: string): Promise<DeliveryStatsView> {
    const days = windowDays(window);
    return this.readModel.stats.forProjects(await this.readModel.stats.projectsOfOwner(caller.userId), days);
  }
}

function windowDays(window: string | undefined): number {
  if (window === undefined) return 30;
  const days = typeof window === 'string' ? parseWindowDays(window) : null;
  if (days === null) throw new BadRequestException(`window: expected 1d to ${MAX_WINDOW_DAYS}d (e.g. 30d)`);
  return days;
}
