import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { Sequence } from '../../common/ids';
import { JobAborted, JobControllers, untilAborted } from '../../common/jobs';
import { PushEvents } from '../../common/push-events';
import { ResetHooks } from '../../common/reset-hooks';
import { badRequest } from '../ncp-error';
import { PipelineTaskRunner, StartedTask, TaskOutcome } from './pipeline-task-runner';
import { Pipeline, PipelineTask, Pipelines } from './pipelines.store';

/**
 * NCP documents no pipeline or task status values (docs/ncp.md, api §6.3). The sandbox's choice,
 * spelled like SourceBuild's: a pipeline is `running`, then `success`, `fail` or `canceled`;
 * a task is `waiting`, `running`, then `success`, `fail`, `canceled`, or `skipped` when a task
 * it follows did not succeed.
 */
export type PipelineStatus = 'running' | 'success' | 'fail' | 'canceled';
export type TaskStatus = 'waiting' | 'running' | TaskOutcome | 'skipped';

export interface TaskRun extends PipelineTask {
  status: TaskStatus;
  resultId: string | null;
  reason?: string;
}

export interface PipelineHistory {
  id: number;
  projectId: number;
  requestType: 'console' | 'trigger';
  requestId: string;
  begin: number;
  end: number | null;
  status: PipelineStatus;
  tasks: TaskRun[];
}

/**
 * Runs pipelines: each task starts once every task in its `linkedTasks` succeeded, its
 * `resultId` being the child build id or deploy history id. A repository trigger starts a run
 * on every push to its branch, as NCP does (so `/do` after a push runs it twice).
 */
@Injectable()
export class PipelineRunsService implements OnModuleDestroy {
  private readonly logger = new Logger('SourcePipeline');
  private readonly histories = new Map<number, PipelineHistory>();
  private readonly started = new Map<number, Map<string, StartedTask>>();
  private readonly jobs = new JobControllers<number>();
  private readonly ids = new Sequence(42001);

  constructor(
    private readonly pipelines: Pipelines,
    private readonly runner: PipelineTaskRunner,
    pushEvents: PushEvents,
    resetHooks: ResetHooks,
  ) {
    pushEvents.onPush((push) => {
      for (const pipeline of this.pipelines.list()) {
        const hit = (pipeline.trigger.repository ?? []).some(
          (r) => r.name === push.repository && push.branches.includes(r.branch),
        );
        if (hit) this.start(pipeline, 'trigger');
      }
    });
    resetHooks.register(() => {
      this.jobs.abortAll();
      this.histories.clear();
      this.started.clear();
      this.ids.reset();
    });
  }

  onModuleDestroy(): void {
    this.jobs.abortAll();
  }

  start(pipeline: Pipeline, requestType: 'console' | 'trigger' = 'console'): PipelineHistory {
    const history: PipelineHistory = {
      id: this.ids.take(),
      projectId: pipeline.id,
      requestType,
      requestId: requestType === 'trigger' ? 'trigger' : 'sandbox-user',
      begin: Date.now(),
      end: null,
      status: 'running',
      tasks: pipeline.tasks.map((task) => ({ ...task, status: 'waiting', resultId: null })),
    };
    this.histories.set(history.id, history);
    this.started.set(history.id, new Map());
    const signal = this.jobs.start(history.id);
    void this.run(history, signal)
      .catch((error: unknown) => {
        if (!(error instanceof JobAborted)) this.logger.error(`pipeline run ${history.id} crashed: ${String(error)}`);
      })
      .finally(() => this.jobs.abort(history.id));
    return history;
  }

  cancel(projectId: number, historyId: number): void {
    const history = this.find(projectId, historyId);
    if (!history) throw badRequest(`history ${historyId} not found in pipeline ${projectId}`);
    if (history.status !== 'running') throw badRequest(`pipeline run ${historyId} already ended (${history.status})`);
    this.jobs.abort(historyId);
    for (const task of history.tasks) {
      if (task.status === 'running') {
        try {
          this.started.get(historyId)?.get(task.name)?.cancel();
        } catch {
          // The child ended in the same instant; its own status stands in its service.
        }
      }
      if (task.status === 'running' || task.status === 'waiting') task.status = 'canceled';
    }
    this.end(history, 'canceled');
  }

  find(projectId: number, historyId: number): PipelineHistory | undefined {
    const history = this.histories.get(historyId);
    return history?.projectId === projectId ? history : undefined;
  }

  /** A pipeline's runs, newest first. */
  history(projectId: number): PipelineHistory[] {
    return [...this.histories.values()].filter((h) => h.projectId === projectId).sort((a, b) => b.id - a.id);
  }

  private async run(history: PipelineHistory, signal: AbortSignal): Promise<void> {
    const running = new Map<string, Promise<void>>();
    for (;;) {
      for (const task of history.tasks.filter((t) => t.status === 'waiting' && this.ready(history, t)))
        running.set(task.name, this.runTask(history, task));
      if (running.size === 0) break;
      const finished = await Promise.race([
        ...[...running].map(([name, p]) => p.then(() => name)),
        untilAborted(signal),
      ]);
      running.delete(finished);
    }
    for (const task of history.tasks) if (task.status === 'waiting') task.status = 'skipped';
    this.end(history, history.tasks.every((t) => t.status === 'success') ? 'success' : 'fail');
  }

  private ready(history: PipelineHistory, task: TaskRun): boolean {
    return task.linkedTasks.every((name) => history.tasks.find((t) => t.name === name)?.status === 'success');
  }

  private async runTask(history: PipelineHistory, task: TaskRun): Promise<void> {
    task.status = 'running';
    try {
      const started = this.runner.start(task);
      this.started.get(history.id)?.set(task.name, started);
      task.resultId = started.resultId;
      const { outcome, reason } = await started.finished;
      if (task.status === 'running') task.status = outcome;
      if (reason) task.reason = reason;
    } catch (error) {
      task.status = 'fail';
      task.reason = error instanceof Error ? error.message : String(error);
    }
  }

  private end(history: PipelineHistory, status: PipelineStatus): void {
    if (history.end !== null) return;
    history.status = status;
    history.end = Date.now();
  }
}
