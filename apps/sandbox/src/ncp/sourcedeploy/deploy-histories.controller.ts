import { Controller, Get, Param, Post, Query } from '@nestjs/common';
import { SandboxContext } from '../../common/sandbox-context';
import { NcpApi } from '../ncp-api.decorator';
import { notFound } from '../ncp-error';
import { idParam, page, positiveIntQuery } from '../ncp-validation';
import { DeployLookup } from './deploy-lookup';
import { DeployHistory, DeploysService } from './deploys.service';

/** SourceDeploy deploys and their histories (docs/ncp.md, api §5.1, 5.4), under /ncp/sourcedeploy. */
@Controller('ncp/sourcedeploy/api/v1/project/:projectId')
@NcpApi()
export class DeployHistoriesController {
  constructor(
    private readonly deploys: DeploysService,
    private readonly lookup: DeployLookup,
    private readonly context: SandboxContext,
  ) {}

  /** No body is documented (or read). */
  @Post('stage/:stageId/scenario/:scenarioId/deploy')
  deploy(
    @Param('projectId') projectId: string,
    @Param('stageId') stageId: string,
    @Param('scenarioId') scenarioId: string,
  ) {
    const { project, stage, scenario } = this.lookup.scenario(projectId, stageId, scenarioId);
    return { historyId: this.deploys.start(project, stage, scenario).id };
  }

  /** For approval-gated stages: the deploy waits, pending, for approval/accept or approval/reject. */
  @Post('stage/:stageId/scenario/:scenarioId/deploy/request')
  requestDeploy(
    @Param('projectId') projectId: string,
    @Param('stageId') stageId: string,
    @Param('scenarioId') scenarioId: string,
  ) {
    const { project, stage, scenario } = this.lookup.scenario(projectId, stageId, scenarioId);
    return { historyId: this.deploys.request(project, stage, scenario).id };
  }

  @Post('history/:historyId/approval/:decision')
  approval(
    @Param('projectId') projectId: string,
    @Param('historyId') historyId: string,
    @Param('decision') decision: string,
  ) {
    if (decision !== 'accept' && decision !== 'reject') throw notFound(`no approval action "${decision}"`);
    const history = this.mustFind(projectId, historyId);
    this.deploys.decide(history.project.id, history.id, decision === 'accept');
    return { result: true };
  }

  @Get('history')
  list(@Param('projectId') projectId: string, @Query('pageNo') pageNo?: string, @Query('pageSize') pageSize?: string) {
    const project = this.lookup.project(projectId);
    const all = this.deploys.history(project.id);
    const size = positiveIntQuery(pageSize, 'pageSize', 100) ?? 100;
    // The list gives ids as strings, the detail as numbers (the docs do; clients must accept both).
    const historyList = page(all, positiveIntQuery(pageNo, 'pageNo') ?? 1, size).map((h) => ({
      project: h.project,
      stage: h.stage,
      scenario: h.scenario,
      id: String(h.id),
      startTime: h.startTime,
      status: h.status,
    }));
    return { historyList };
  }

  @Get('history/:historyId')
  detail(@Param('projectId') projectId: string, @Param('historyId') historyId: string) {
    return this.view(this.mustFind(projectId, historyId));
  }

  @Post('history/:historyId/cancel')
  cancel(@Param('projectId') projectId: string, @Param('historyId') historyId: string) {
    const history = this.mustFind(projectId, historyId);
    this.deploys.cancel(history.project.id, history.id);
    return { result: true };
  }

  private mustFind(projectId: string, historyId: string): DeployHistory {
    const project = this.lookup.project(projectId);
    const history = this.deploys.find(project.id, idParam(historyId, 'history'));
    if (!history) throw notFound(`history ${historyId} not found in project ${project.id}`);
    return history;
  }

  private view(h: DeployHistory) {
    const { nksClusterNo, nksClusterName } = this.context.options;
    const elapsed = (h.endTime ?? Date.now()) - h.startTime;
    return {
      project: h.project,
      stage: h.stage,
      scenario: h.scenario,
      id: h.id,
      status: h.status,
      strategy: h.strategy,
      executor: 'sandbox-user',
      startTime: h.startTime,
      endTime: h.endTime,
      type: h.type,
      config: h.manifest.path.map((file) => ({
        strategy: h.strategy,
        file: { file, type: 'SourceCommit' },
        targets: [
          {
            server: { no: nksClusterNo, name: nksClusterName },
            status: h.status,
            time: { pre: 0, deploy: elapsed, post: 0 },
            step: { pre: 'success', deploy: h.status, post: h.status === 'success' ? 'success' : null },
          },
        ],
      })),
      reason: h.reason ?? null,
      commit: h.commit ?? null,
    };
  }
}
