import {
  BadRequestException,
  Body,
  Controller,
  Get,
  Header,
  HttpCode,
  NotImplementedException,
  Param,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { BearerAuthGuard, CurrentPrincipal, Principal } from '@klepaas/auth';
import { isValidGithubOwner, isValidGithubRepoName } from '@klepaas/github';
import { NO_KUBECONFIG } from '@klepaas/kube';
import { ProjectCluster } from '../cluster/project-cluster.service';
import { parseBody } from '../projects/project-input';
import { RunCommandsService } from '../runs/run-commands.service';
import { scaleSchema } from '../runs/run-input';
import { CallerProjects } from './caller-projects';
import { DashboardDeployments } from './dashboard-deployments';
import { desiredReplicas } from './deployment-shapes';
import { NumericIds } from './numeric-ids';

const rollbackByCommitSchema = z.object({
  owner: z.string().refine(isValidGithubOwner, 'must be a GitHub user or organisation name'),
  repo: z.string().refine(isValidGithubRepoName, 'must be a GitHub repository name'),
  target_commit_sha: z
    .string()
    .regex(/^[0-9a-fA-F]{7,40}$/, 'must be a commit sha (7 to 40 hex digits)')
    .transform((s) => s.toLowerCase()),
});

/** Why restart, pods and logs are refused without a kubeconfig, rather than made up. */
const NO_CLUSTER_ACCESS = `needs access to the Kubernetes cluster itself: ${NO_KUBECONFIG}`;

/** The dashboard's deployments view: replicas, scale, rollback; restart, pods and logs with a kubeconfig. */
@ApiTags('compat: original dashboard')
@ApiBearerAuth()
@UseGuards(BearerAuthGuard)
@Controller('api/v1')
export class CompatDeploymentsController {
  constructor(
    private readonly projects: CallerProjects,
    private readonly deployments: DashboardDeployments,
    private readonly runCommands: RunCommandsService,
    private readonly ids: NumericIds,
    private readonly cluster: ProjectCluster,
  ) {}

  @Get('deployments/:owner/:repo/config')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'The replicas the project should run (its desired state)' })
  async config(@CurrentPrincipal() caller: Principal, @Param('owner') owner: string, @Param('repo') repo: string) {
    const project = await this.projects.byName(caller, owner, repo);
    return {
      status: 'success',
      owner: project.owner,
      repo: project.repo,
      replica_count: desiredReplicas(project),
      branch: project.branch,
      auto_deploy_enabled: project.autoDeploy,
    };
  }

  @Post('deployments/:owner/:repo/scale')
  @HttpCode(202)
  @ApiOperation({ summary: 'Change the replicas (POST /projects/{id}/scale)' })
  @ApiResponse({ status: 202, description: '{"status": "success", "deployment_id"}' })
  async scale(
    @CurrentPrincipal() caller: Principal,
    @Param('owner') owner: string,
    @Param('repo') repo: string,
    @Body() body: unknown,
  ) {
    const input = parseBody(scaleSchema, body);
    const project = await this.projects.byName(caller, owner, repo);
    const { runId } = await this.runCommands.scale(caller, project.id, input);
    return this.accepted(runId, `scaling ${project.owner}/${project.repo} to ${input.replicas} replicas`);
  }

  @Get('deployments/:owner/:repo/rollback/list')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'What runs now, the commits to go back to, and the rollbacks made' })
  async rollbackList(
    @CurrentPrincipal() caller: Principal,
    @Param('owner') owner: string,
    @Param('repo') repo: string,
  ) {
    const project = await this.projects.byName(caller, owner, repo);
    return this.deployments.rollbackList(caller, project);
  }

  @Post('rollback/commit')
  @HttpCode(202)
  @ApiOperation({ summary: 'Roll back to a commit deployed before (POST /projects/{id}/rollback {commitSha})' })
  @ApiResponse({ status: 202, description: '{"status": "success", "deployment_id"}' })
  async rollback(@CurrentPrincipal() caller: Principal, @Body() body: unknown) {
    const input = parseBody(rollbackByCommitSchema, body);
    const project = await this.projects.byName(caller, input.owner, input.repo);
    const commitSha = await this.deployments.fullSha(caller, project, input.target_commit_sha);
    const { runId } = await this.runCommands.rollback(caller, project.id, { commitSha });
    return this.accepted(runId, `rolling ${project.owner}/${project.repo} back to ${commitSha.slice(0, 7)}`);
  }

  @Post('deployments/:owner/:repo/restart')
  @ApiOperation({ summary: 'Rollout restart (POST /projects/{id}/restart); 501 without cluster access' })
  @ApiResponse({ status: 501, description: 'the reason' })
  async restart(@CurrentPrincipal() caller: Principal, @Param('owner') owner: string, @Param('repo') repo: string) {
    const project = await this.projects.byName(caller, owner, repo);
    if (!this.cluster.enabled) throw new NotImplementedException(`restarting ${NO_CLUSTER_ACCESS}`);
    const restarted = await this.cluster.restart(project);
    return { status: 'success', message: `restarting ${restarted.deployments.join(', ')} in ${restarted.namespace}` };
  }

  @Get('deployments/:namespace/:app/pods')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'The pods (GET /projects/{id}/live); 501 without cluster access' })
  @ApiResponse({ status: 501, description: 'the reason' })
  async pods(@CurrentPrincipal() caller: Principal, @Param('namespace') namespace: string) {
    const project = await this.projects.byNamespace(caller, namespace);
    if (!this.cluster.enabled) throw new NotImplementedException(`listing pods ${NO_CLUSTER_ACCESS}`);
    const live = await this.cluster.live(project);
    return {
      status: 'success',
      pods: live.pods.map((p) => ({
        name: p.name,
        phase: p.phase,
        ready: p.ready,
        restarts: p.restarts,
        startTime: p.startedAt,
      })),
    };
  }

  @Get('deployments/:namespace/:app/logs')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: "A pod's last lines (GET /projects/{id}/pods/{pod}/logs); 501 without cluster access" })
  @ApiResponse({ status: 501, description: 'the reason' })
  async logs(
    @CurrentPrincipal() caller: Principal,
    @Param('namespace') namespace: string,
    @Query('pod') pod?: string,
    @Query('lines') lines?: string,
  ) {
    const project = await this.projects.byNamespace(caller, namespace);
    if (!this.cluster.enabled) throw new NotImplementedException(`reading pod logs ${NO_CLUSTER_ACCESS}`);
    if (!pod) throw new BadRequestException('pod: required');
    const read = await this.cluster.logs(project, pod, lines, undefined);
    return { status: 'success', podName: read.pod, logs: read.lines.join('\n'), lines: read.lines.length };
  }

  private async accepted(runId: string, message: string) {
    return { status: 'success', message, deployment_id: await this.ids.aliasOf('run', runId), run_id: runId };
  }
}
