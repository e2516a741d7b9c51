import {
  BadRequestException,
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
  Res,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { BearerAuthGuard, CurrentPrincipal, Principal } from '@klepaas/auth';
import { BadCursorError, Page, ProjectView } from '@klepaas/read-model';
import { clusterNote } from '../cluster/cluster-notes';
import { ProjectCluster } from '../cluster/project-cluster.service';
import { ProjectCommandsService } from './project-commands.service';
import { parseBody, registrationSchema, settingsChangeSchema } from './project-input';
import { ProjectViews } from './project-views';
import { RegisterProjectService } from './register-project.service';

const SETTINGS_DOC = {
  branch: { type: 'string', example: 'main' },
  autoDeploy: { type: 'boolean', default: true },
  mergeOnly: { type: 'boolean', default: false },
  paths: { type: 'array', items: { type: 'string' }, example: ['src/**'] },
  replicas: { type: 'integer', minimum: 0, maximum: 10, default: 1 },
  containerPort: { type: 'integer', minimum: 1, maximum: 65535, default: 8080 },
  podSecurity: { type: 'string', enum: ['baseline', 'restricted'], default: 'baseline' },
};
/** PATCH only: the project's own Slack destination (shown masked afterwards). */
const SLACK_DOC = {
  slackWebhookUrl: {
    type: 'string',
    nullable: true,
    example: 'https://hooks.slack.com/services/T000/B000/XXXX',
    description: 'a Slack incoming webhook (https, hooks.slack.com); null removes it',
  },
};

@ApiTags('projects')
@ApiBearerAuth()
@UseGuards(BearerAuthGuard)
@Controller('api/v1')
export class ProjectsController {
  constructor(
    private readonly registration: RegisterProjectService,
    private readonly commands: ProjectCommandsService,
    private readonly views: ProjectViews,
    private readonly cluster: ProjectCluster,
  ) {}

  @Post('projects')
  @ApiOperation({ summary: 'Register a GitHub repository (provisioned asynchronously)' })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['owner', 'repo'],
      properties: { owner: { type: 'string' }, repo: { type: 'string' }, ...SETTINGS_DOC },
    },
  })
  @ApiResponse({
    status: 202,
    description: 'registration requested; the project, status provisioning, with its webhookSecret (shown only here)',
  })
  @ApiResponse({ status: 200, description: 'this user had already registered it: the existing project' })
  @ApiResponse({ status: 400, description: 'a field is invalid (the message names it)' })
  @ApiResponse({
    status: 403,
    description: 'the token names no GitHub account, or GitHub does not report it as admin of the repository',
  })
  @ApiResponse({
    status: 409,
    description: 'another user has registered it, and GitHub does not report the caller as its admin',
  })
  @ApiResponse({ status: 422, description: 'the GitHub App does not cover the repository, or it does not exist' })
  register(@CurrentPrincipal() caller: Principal, @Body() body: unknown, @Res({ passthrough: true }) res: Response) {
    return this.registerWith(caller, body, res);
  }

  /** The seed's path; any `user_id` in the body is ignored: the token says who. */
  @Post('ncp/pipeline/create')
  @ApiOperation({ summary: "Register a repository (the seed's form of POST /projects)" })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['owner', 'repo'],
      properties: { owner: { type: 'string' }, repo: { type: 'string' }, branch: { type: 'string' } },
    },
  })
  registerSeedForm(
    @CurrentPrincipal() caller: Principal,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: Response,
  ) {
    return this.registerWith(caller, body, res);
  }

  @Get('projects')
  @ApiOperation({ summary: "The caller's projects, newest first" })
  @ApiQuery({ name: 'limit', required: false, description: '1-100, default 50' })
  @ApiQuery({ name: 'cursor', required: false })
  async list(
    @CurrentPrincipal() caller: Principal,
    @Query('limit') limit?: string,
    @Query('cursor') cursor?: string,
  ): Promise<Page<ProjectView>> {
    try {
      return await this.views.list(caller.userId, pageSize(limit), cursor ?? null);
    } catch (error) {
      if (error instanceof BadCursorError) throw new BadRequestException(error.message);
      throw error;
    }
  }

  @Get('projects/:id')
  @ApiOperation({
    summary: 'One project: status, settings, NCP ids, and its cluster side (managed, or what to create by hand)',
  })
  @ApiResponse({ status: 404, description: "unknown, or another user's" })
  async get(@CurrentPrincipal() caller: Principal, @Param('id', new ParseUUIDPipe()) id: string) {
    const project = await this.views.find(id, caller.userId);
    if (!project) throw new NotFoundException(`project ${id} not found`);
    return { ...project, cluster: clusterNote(this.cluster.enabled, project) };
  }

  @Patch('projects/:id')
  @HttpCode(202)
  @ApiOperation({ summary: 'Change settings (applied asynchronously)' })
  @ApiBody({ schema: { type: 'object', properties: { ...SETTINGS_DOC, ...SLACK_DOC } } })
  changeSettings(
    @CurrentPrincipal() caller: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: unknown,
  ) {
    return this.commands.changeSettings(caller, id, parseBody(settingsChangeSchema, body));
  }

  @Delete('projects/:id')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Unregister: removes what the project created in NCP, the SourceCommit repository unless keepRepository=true',
  })
  @ApiQuery({ name: 'keepRepository', required: false, type: Boolean })
  unregister(
    @CurrentPrincipal() caller: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query('keepRepository') keepRepository?: string,
    @Query('deleteRepository') deleteRepository?: string,
  ) {
    // The old option meant the opposite default: refused rather than silently misread.
    if (deleteRepository !== undefined) {
      throw new BadRequestException('deleteRepository: gone; the repository is removed unless keepRepository=true');
    }
    if (keepRepository !== undefined && !['true', 'false'].includes(keepRepository)) {
      throw new BadRequestException('keepRepository: must be true or false');
    }
    return this.commands.unregister(caller, id, keepRepository !== 'true');
  }

  private async registerWith(caller: Principal, body: unknown, res: Response) {
    const result = await this.registration.register(caller, parseBody(registrationSchema, body));
    res.status(result.httpStatus);
    return { ...result.project, cluster: clusterNote(this.cluster.enabled, result.project) };
  }
}

export function pageSize(limit: string | undefined): number {
  const n = limit === undefined ? 50 : Number(limit);
  if (!Number.isInteger(n) || n < 1 || n > 100)
    throw new BadRequestException('limit: must be an integer from 1 to 100');
  return n;
}
