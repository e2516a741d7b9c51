import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { Sequence } from '../../common/ids';
import { delay, JobAborted, JobControllers, untilAborted } from '../../common/jobs';
import { ResetHooks } from '../../common/reset-hooks';
import { ClusterStore } from '../../cluster/cluster.store';
import { FaultsService } from '../../faults/faults.service';
import { TimingsService } from '../../timings/timings.service';
import { badRequest } from '../ncp-error';
import { DeployManifests, ManifestOutcome } from './deploy-manifests';
import type { DeployProject, Scenario, Stage } from './deploy-projects.store';

/** The deploy status values the sandbox uses, from NCP's list (docs/ncp.md, api §5.4). */
export type DeployStatus = 'pending' | 'inprogress' | 'success' | 'fail' | 'canceled' | 'reject';

export interface DeployHistory {
  id: number;
  project: { id: number; name: string };
  stage: { id: number; name: string };
  scenario: { id: number; name: string };
  status: DeployStatus;
  strategy: string;
  type: string;
  startTime: number;
  endTime: number | null;
  manifest: { repository: string; branch: string; path: string[] };
  /** Why a deploy failed or was cancelled, readable (sandbox addition to NCP's shape). */
  reason?: string;
  commit?: string;
  fault?: string;
  startedBy: 'api' | 'pipeline';
}

/**
 * Runs deploys: `inprogress → success | fail`, or `canceled`. Reading and checking the
 * manifests happens at the start; what they describe is applied to the cluster view when the
 * deploy's duration has passed. Fault rules can make a deploy fail or hang.
 */
@Injectable()
export class DeploysService implements OnModuleDestroy {
  private readonly logger = new Logger('SourceDeploy');
  private readonly histories = new Map<number, DeployHistory>();
  private readonly done = new Map<number, Promise<DeployHistory>>();
  private readonly jobs = new JobControllers<number>();
  private readonly awaitingApproval = new Map<number, () => void>();
  private readonly ids = new Sequence(33001);

  constructor(
    private readonly manifests: DeployManifests,
    private readonly cluster: ClusterStore,
    private readonly faults: FaultsService,
    private readonly timings: TimingsService,
    resetHooks: ResetHooks,
  ) {
    resetHooks.register(() => {
      this.jobs.abortAll();
      this.awaitingApproval.clear();
      this.histories.clear();
      this.done.clear();
      this.ids.reset();
    });
  }

  onModuleDestroy(): void {
    this.jobs.abortAll();
  }

  start(
    project: DeployProject,
    stage: Stage,
    scenario: Scenario,
    startedBy: 'api' | 'pipeline' = 'api',
  ): DeployHistory {
    const history = this.record(project, stage, scenario, startedBy, 'inprogress');
    this.launch(history, project, scenario);
    return history;
  }

  /**
   * `/deploy/request`: a deploy that waits, `pending`, for `approval/accept` (then runs) or
   * `approval/reject` (then `reject`). Any stage takes requests here; NCP gates them per stage.
   */
  request(project: DeployProject, stage: Stage, scenario: Scenario): DeployHistory {
    const history = this.record(project, stage, scenario, 'api', 'pending');
    this.awaitingApproval.set(history.id, () => this.launch(history, project, scenario));
    return history;
  }

  decide(projectId: number, historyId: number, accept: boolean): void {
    const history = this.find(projectId, historyId);
    const launch = this.awaitingApproval.get(historyId);
    if (!history || !launch) throw badRequest(`history ${historyId} of project ${projectId} awaits no approval`);
    this.awaitingApproval.delete(historyId);
    if (!accept) return this.finish(history, 'reject', 'rejected at approval');
    history.status = 'inprogress';
    history.startTime = Date.now();
    launch();
  }

  private record(
    project: DeployProject,
    stage: Stage,
    scenario: Scenario,
    startedBy: 'api' | 'pipeline',
    status: DeployStatus,
  ): DeployHistory {
    const manifest = scenario.config.manifest ?? { repository: '', branch: '', path: [] };
    const history: DeployHistory = {
      id: this.ids.take(),
      project: { id: project.id, name: project.name },
      stage: { id: stage.id, name: stage.name },
      scenario: { id: scenario.id, name: scenario.name },
      status,
      strategy: scenario.config.strategy,
      type: stage.type,
      startTime: Date.now(),
      endTime: null,
      manifest: { repository: manifest.repository, branch: manifest.branch, path: [...manifest.path] },
      startedBy,
    };
    this.histories.set(history.id, history);
    return history;
  }

  private launch(history: DeployHistory, project: DeployProject, scenario: Scenario): void {
    const signal = this.jobs.start(history.id);
    const run = this.run(history, project, scenario, signal)
      .catch((error: unknown) => {
        if (error instanceof JobAborted) return;
        this.logger.error(`deploy ${history.id} crashed: ${String(error)}`);
        this.finish(history, 'fail', String(error));
      })
      .then(() => {
        this.jobs.abort(history.id);
        return history;
      });
    this.done.set(history.id, run);
  }

  cancel(projectId: number, historyId: number): void {
    const history = this.find(projectId, historyId);
    if (!history) throw badRequest(`history ${historyId} not found in project ${projectId}`);
    if (history.status !== 'inprogress' && history.status !== 'pending')
      throw badRequest(`deploy ${historyId} already ended (${history.status})`);
    this.awaitingApproval.delete(historyId);
    this.jobs.abort(historyId);
    this.finish(history, 'canceled', 'cancelled by request');
  }

  find(projectId: number, historyId: number): DeployHistory | undefined {
    const history = this.histories.get(historyId);
    return history?.project.id === projectId ? history : undefined;
  }

  /** Resolves once a started deploy has ended (not for one still awaiting approval). */
  whenFinished(historyId: number): Promise<DeployHistory> {
    return this.done.get(historyId) ?? Promise.reject(new Error(`deploy ${historyId} is not running`));
  }

  /** A project's deploy histories, newest first. */
  history(projectId: number): DeployHistory[] {
    return [...this.histories.values()].filter((h) => h.project.id === projectId).sort((a, b) => b.id - a.id);
  }

  private async run(
    history: DeployHistory,
    project: DeployProject,
    scenario: Scenario,
    signal: AbortSignal,
  ): Promise<void> {
    const fault = this.faults.takeJobFault('sourcedeploy', project);
    if (fault) history.fault = fault.id;
    if (fault?.effect === 'hang') await Promise.race([this.faults.untilCleared(fault.id), untilAborted(signal)]);
    const injected: ManifestOutcome | undefined =
      fault?.effect === 'fail'
        ? { ok: false, reason: fault.reason ?? `failed by sandbox fault ${fault.id}` }
        : undefined;
    const [outcome] = await Promise.all([
      injected ?? this.manifests.read(scenario),
      delay(this.timings.deployMsFor(project), signal),
    ]);
    if (signal.aborted) return;
    history.commit = outcome.commit;
    if (!outcome.ok) return this.finish(history, 'fail', outcome.reason);
    this.cluster.apply(outcome.objects, { historyId: history.id, projectId: project.id });
    this.finish(history, 'success');
  }

  private finish(history: DeployHistory, status: 'success' | 'fail' | 'canceled' | 'reject', reason?: string): void {
    if (history.endTime !== null) return;
    history.status = status;
    history.endTime = Date.now();
    if (reason) history.reason = reason;
  }
}
