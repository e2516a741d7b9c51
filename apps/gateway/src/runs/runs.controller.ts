import {
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { BearerAuthGuard, CurrentPrincipal, Principal } from '@klepaas/auth';
import { BadCursorError, DeploymentView, Page, ReadModel, RunView } from '@klepaas/read-model';
import { MAX_REPLICAS, parseBody } from '../projects/project-input';
import { ProjectViews } from '../projects/project-views';
import { pageSize } from '../projects/projects.controller';
import { RunAccepted, RunCommandsService } from './run-commands.service';
import { deploySchema, MAX_STEPS_BACK, rollbackSchema, scaleSchema } from './run-input';
import { RunViews } from './run-views';

const ACCEPTED = { status: 202, description: '{"runId"}: the run is queued; GET /api/v1/runs/{runId} shows it' };
const BAD_INPUT = { status: 400, description: 'a field is invalid (the message names it)' };
const NO_PROJECT = { status: 404, description: "unknown project, or another user's" };
const NO_LIVE_PROJECT = { status: 404, description: "unknown project, another user's, or deleted" };
const DELETING = { status: 409, description: 'the project is being deleted' };
const LIST_QUERIES = [
  { name: 'limit', required: false, description: '1-100, default 50' },
  { name: 'cursor', required: false, description: 'nextCursor of the previous page' },
];

@ApiTags('runs')
@ApiBearerAuth()
@UseGuards(BearerAuthGuard)
@Controller('api/v1')
export class RunsController {
  constructor(
    private readonly commands: RunCommandsService,
    private readonly runs: RunViews,
    private readonly projects: ProjectViews,
    private readonly readModel: ReadModel,
  ) {}

  @Get('projects/:id/runs')
  @ApiOperation({ summary: "A project's runs, newest first: trigger, status, reason, steps with NCP ids, timeline" })
  @ApiQuery(LIST_QUERIES[0])
  @ApiQuery(LIST_QUERIES[1])
  @ApiResponse({ status: 200, description: '{"items": [Run], "nextCursor"}' })
  @ApiResponse(NO_PROJECT)
  async list(
    @CurrentPrincipal() caller: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query('limit') limit?: string,
    @Query('cursor') cursor?: string,
  ): Promise<Page<RunView>> {
    const size = pageSize(limit);
    await this.requireProject(caller, id);
    return listing(() => this.runs.list(id, caller.userId, size, cursor ?? null));
  }

  @Get('runs/:id')
  @ApiOperation({
    summary: 'One run: trigger, status, reason, steps (mirror, build, deploy) with times, NCP ids and errors, timeline',
  })
  @ApiResponse({ status: 200, description: 'the Run; `queued` right after the command, before the runner has it' })
  @ApiResponse({ status: 404, description: "unknown, or another user's" })
  async get(@CurrentPrincipal() caller: Principal, @Param('id', new ParseUUIDPipe()) id: string): Promise<RunView> {
    const run = await this.runs.find(id, caller.userId);
    if (!run) throw new NotFoundException(`run ${id} not found`);
    return run;
  }

  @Get('projects/:id/deployments')
  @ApiOperation({
    summary: "A project's deployments, newest first: commit, image, replicas, status, rollback marks, times",
  })
  @ApiQuery(LIST_QUERIES[0])
  @ApiQuery(LIST_QUERIES[1])
  @ApiResponse({ status: 200, description: '{"items": [Deployment], "nextCursor"}' })
  @ApiResponse(NO_PROJECT)
  async deployments(
    @CurrentPrincipal() caller: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query('limit') limit?: string,
    @Query('cursor') cursor?: string,
  ): Promise<Page<DeploymentView>> {
    const size = pageSize(limit);
    await this.requireProject(caller, id);
    return listing(() => this.readModel.deployments.listForProject(id, caller.userId, size, cursor ?? null));
  }

  @Post('projects/:id/deploy')
  @HttpCode(202)
  @ApiOperation({ summary: 'Deploy a branch or tag head, or a commit (the branch head when neither is given)' })
  @ApiBody({
    schema: {
      type: 'object',
      properties: {
        ref: { type: 'string', description: 'a branch or tag name', example: 'main' },
        commitSha: { type: 'string', pattern: '^[0-9a-f]{40}$' },
      },
    },
  })
  @ApiResponse(ACCEPTED)
  @ApiResponse(BAD_INPUT)
  @ApiResponse(NO_LIVE_PROJECT)
  @ApiResponse(DELETING)
  deploy(
    @CurrentPrincipal() caller: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: unknown,
  ): Promise<RunAccepted> {
    return this.commands.deploy(caller, id, parseBody(deploySchema, body));
  }

  @Post('projects/:id/rollback')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Deploy an earlier successful image again without rebuilding: a deployment, a commit, or steps back (default: the previous one)',
  })
  @ApiBody({
    schema: {
      type: 'object',
      description: 'at most one of the three',
      properties: {
        deploymentId: { type: 'string', format: 'uuid' },
        commitSha: { type: 'string', pattern: '^[0-9a-f]{40}$' },
        stepsBack: { type: 'integer', minimum: 1, maximum: MAX_STEPS_BACK, default: 1 },
      },
    },
  })
  @ApiResponse(ACCEPTED)
  @ApiResponse(BAD_INPUT)
  @ApiResponse(NO_LIVE_PROJECT)
  @ApiResponse(DELETING)
  rollback(
    @CurrentPrincipal() caller: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: unknown,
  ): Promise<RunAccepted> {
    return this.commands.rollback(caller, id, parseBody(rollbackSchema, body));
  }

  @Post('projects/:id/unpin')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Lift the pin a rollback (or a manual deploy of an older commit) set: the project follows its branch again, and its head deploys',
  })
  @ApiResponse({ status: 202, description: '{"projectId"}: the unpin is queued; the project view shows it lifted' })
  @ApiResponse(NO_LIVE_PROJECT)
  @ApiResponse(DELETING)
  unpin(@CurrentPrincipal() caller: Principal, @Param('id', new ParseUUIDPipe()) id: string) {
    return this.commands.unpin(caller, id);
  }

  @Post('projects/:id/scale')
  @HttpCode(202)
  @ApiOperation({ summary: 'Change the replica count through the manifest (no build)' })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['replicas'],
      properties: { replicas: { type: 'integer', minimum: 0, maximum: MAX_REPLICAS } },
    },
  })
  @ApiResponse(ACCEPTED)
  @ApiResponse(BAD_INPUT)
  @ApiResponse(NO_LIVE_PROJECT)
  @ApiResponse(DELETING)
  scale(
    @CurrentPrincipal() caller: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: unknown,
  ): Promise<RunAccepted> {
    return this.commands.scale(caller, id, parseBody(scaleSchema, body));
  }

  @Post('runs/:id/cancel')
  @HttpCode(202)
  @ApiOperation({ summary: 'Cancel a run that has not finished (the runner stops its NCP build or deploy)' })
  @ApiResponse({ status: 202, description: '{"runId"}: cancellation requested' })
  @ApiResponse({ status: 404, description: "unknown, or another user's" })
  @ApiResponse({ status: 409, description: 'the run has already finished' })
  cancel(@CurrentPrincipal() caller: Principal, @Param('id', new ParseUUIDPipe()) id: string): Promise<RunAccepted> {
    return this.commands.cancel(caller, id);
  }

  @Post('runs/:id/retry')
  @HttpCode(202)
  @ApiOperation({ summary: 'Retry a failed run from its failed step, as a new run' })
  @ApiResponse({ status: 202, description: '{"runId"}: the new run (its retryOf names this one)' })
  @ApiResponse({ status: 404, description: "unknown, or another user's" })
  @ApiResponse({ status: 409, description: 'the run is not failed, or its project is being deleted' })
  retry(@CurrentPrincipal() caller: Principal, @Param('id', new ParseUUIDPipe()) id: string): Promise<RunAccepted> {
    return this.commands.retry(caller, id);
  }

  private async requireProject(caller: Principal, projectId: string): Promise<void> {
    const project = await this.projects.find(projectId, caller.userId);
    if (!project) throw new NotFoundException(`project ${projectId} not found`);
  }
}

async function listing<T>(page: () => Promise<Page<T>>): Promise<Page<T>> {
  try {
    return await page();
  } catch (error) {
    if (error instanceof BadCursorError) throw new BadRequestException(`cursor: ${error.message}`);
    throw error;
  }
}
