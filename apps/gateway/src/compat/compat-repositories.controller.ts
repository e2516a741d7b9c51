import {
  BadRequestException,
  Body,
  Controller,
  Get,
  Header,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  Put,
  Query,
  Res,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import { BearerAuthGuard, CurrentPrincipal, Principal } from '@klepaas/auth';
import { KLEPAAS_CONFIG, KlepaasConfig } from '@klepaas/config';
import { isValidGithubOwner, isValidGithubRepoName } from '@klepaas/github';
import { ProjectCommandsService } from '../projects/project-commands.service';
import { parseBody, registrationSchema } from '../projects/project-input';
import { RegisterProjectService } from '../projects/register-project.service';
import { RunCommandsService } from '../runs/run-commands.service';
import { CallerProjects } from './caller-projects';
import { queryBoolean } from './compat-query';
import { NumericIds, parseAlias } from './numeric-ids';
import { repositoryShape } from './repository-shape';

/** `branch` (always "main" in the dashboard) and `user_id` are ignored: see docs/compat.md. */
const manualDeploySchema = z.object({
  github_owner: z.string().refine(isValidGithubOwner, 'must be a GitHub user or organisation name'),
  github_repo: z.string().refine(isValidGithubRepoName, 'must be a GitHub repository name'),
});

/** The dashboard's repositories tab: the list, the auto-deploy switch, connect, manual deploy. */
@ApiTags('compat: original dashboard')
@ApiBearerAuth()
@UseGuards(BearerAuthGuard)
@Controller('api/v1')
export class CompatRepositoriesController {
  private readonly gitWebUrl: string;

  constructor(
    private readonly projects: CallerProjects,
    private readonly ids: NumericIds,
    private readonly registration: RegisterProjectService,
    private readonly projectCommands: ProjectCommandsService,
    private readonly runCommands: RunCommandsService,
    @Inject(KLEPAAS_CONFIG) config: KlepaasConfig,
  ) {
    this.gitWebUrl = config.github.gitUrl;
  }

  @Get('github/repositories/connected')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: "The caller's connected repositories (projects), with integer ids" })
  async connected(@CurrentPrincipal() caller: Principal) {
    const projects = await this.projects.all(caller);
    const aliases = await this.ids.aliases(
      'project',
      projects.map((p) => p.id),
    );
    return {
      status: 'success',
      repositories: projects.map((p) => repositoryShape(p, aliases.get(p.id)!, this.gitWebUrl)),
    };
  }

  @Put('github/webhook/:id')
  @HttpCode(200)
  @ApiOperation({ summary: 'The auto-deploy switch (PATCH /projects/{id} {autoDeploy})' })
  @ApiResponse({ status: 200, description: '{"status": "success", "autoDeployEnabled"}' })
  @ApiResponse({ status: 404, description: "unknown, or another user's" })
  async autoDeploy(
    @CurrentPrincipal() caller: Principal,
    @Param('id') id: string,
    @Query() query: Record<string, unknown>,
  ) {
    const enabled = queryBoolean(query, 'enabled');
    const alias = parseAlias(id);
    if (alias === null) throw new BadRequestException('id: must be a repository id (a positive integer)');
    const projectId = await this.ids.uuidOf('project', alias);
    if (!projectId) throw new NotFoundException(`repository ${alias} not found`);
    const project = await this.projectCommands.changeSettings(caller, projectId, { autoDeploy: enabled });
    return {
      status: 'success',
      id: alias,
      project_id: projectId,
      autoDeployEnabled: enabled,
      message: `auto-deploy of ${project.owner}/${project.repo} turned ${enabled ? 'on' : 'off'}`,
    };
  }

  @Post('projects/github/connect')
  @ApiOperation({ summary: 'Connect a repository (POST /projects, with every check it makes)' })
  @ApiResponse({ status: 202, description: 'connected: provisioning starts' })
  @ApiResponse({ status: 200, description: 'already connected by the caller' })
  @ApiResponse({ status: 403, description: 'no GitHub account in the token, or not admin of the repository' })
  @ApiResponse({ status: 409, description: "another user's, and the caller is not its GitHub admin" })
  async connect(
    @CurrentPrincipal() caller: Principal,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.registration.register(caller, parseBody(registrationSchema, body));
    res.status(result.httpStatus);
    // The dashboard ignores this body: a secret put here would be shown to no one (docs/compat.md).
    const { webhookSecret: _notShownHere, ...project } = result.project;
    const fullName = `${project.owner}/${project.repo}`;
    const existing = result.httpStatus === 200;
    return {
      status: 'success',
      already_connected: existing,
      message: existing ? `${fullName} is already connected` : `${fullName} connected; provisioning it on NCP`,
      repository: repositoryShape(project, await this.ids.aliasOf('project', project.id), this.gitWebUrl),
      webhook_secret:
        `not shown here: deliveries through the K-Le-PaaS GitHub App need none; for a repository hook, ` +
        `POST /api/v1/projects/${project.id}/webhook-secret issues one (shown once)`,
    };
  }

  @Post('github/manual-deploy')
  @HttpCode(202)
  @ApiOperation({ summary: "Deploy the project's branch head now (POST /projects/{id}/deploy)" })
  @ApiResponse({ status: 202, description: '{"status": "success", "deployment_id"}' })
  @ApiResponse({ status: 404, description: 'the repository is not connected by the caller' })
  async manualDeploy(@CurrentPrincipal() caller: Principal, @Body() body: unknown) {
    const input = parseBody(manualDeploySchema, body);
    const project = await this.projects.byName(caller, input.github_owner, input.github_repo);
    const { runId } = await this.runCommands.deploy(caller, project.id, {});
    return {
      status: 'success',
      message: `deploying the head of ${project.branch} of ${project.owner}/${project.repo}`,
      deployment_id: await this.ids.aliasOf('run', runId),
      run_id: runId,
      branch: project.branch,
    };
  }
}
