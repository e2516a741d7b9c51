import { BadRequestException, Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { BearerAuthGuard, OperatorGuard } from '@klepaas/auth';
import { BadCursorError, Page } from '@klepaas/read-model';
import { pageSize } from '../projects/projects.controller';
import { RepositoryTakeovers, Takeover } from '../projects/repository-takeovers';

@ApiTags('operators')
@ApiBearerAuth()
@UseGuards(BearerAuthGuard, OperatorGuard)
@Controller('api/v1/admin/takeovers')
export class TakeoversController {
  private readonly takeovers = new RepositoryTakeovers();

  constructor(private readonly dataSource: DataSource) {}

  @Get()
  @ApiOperation({
    summary: "Repositories registered again by a GitHub admin of them, from another user's project, newest first",
  })
  @ApiQuery({ name: 'limit', required: false, description: '1-100, default 50' })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  @ApiResponse({
    status: 200,
    description:
      '{"items": [{githubRepositoryId, owner, repo, previousProjectId, previousOwnerId, projectId, ownerId, githubUserId, githubLogin, takenAt}], "nextCursor"}',
  })
  async list(@Query('limit') limit?: string, @Query('cursor') cursor?: string): Promise<Page<Takeover>> {
    const size = pageSize(limit);
    try {
      return await this.takeovers.list(this.dataSource.manager, size, cursor ?? null);
    } catch (error) {
      if (error instanceof BadCursorError) throw new BadRequestException(`cursor: ${error.message}`);
      throw error;
    }
  }
}
