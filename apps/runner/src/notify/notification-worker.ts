import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { Counter, Gauge } from 'prom-client';
import { KLEPAAS_CONFIG, KlepaasConfig } from '@klepaas/config';
import { MetricsService, pausePoint, withCorrelation } from '@klepaas/observability';
import { ChannelWorkerLoop } from '@klepaas/persistence';
import { RunnerProjectsRepository } from '../projects/runner-projects.repository';
import { RunsRepository } from '../runs/runs.repository';
import type { Run } from '../runs/run';
import { GithubFeedback } from './github-feedback';
import type { Notification } from './notification';
import { LeaseLost, NotificationLease } from './notification-lease';
import { NOTIFY_DUE_CHANNEL } from './notification-outbox';
import { NotificationStore } from './notification-store';
import { NothingToNotify, verdictOf } from './retry-policy';
import { SlackFeedback } from './slack-feedback';
import type { RunFacts } from './slack-message';

const IDLE_POLL_MS = 2000;

/**
 * Sends the notifications runs wrote (docs/notifications.md): claims one due row at a time under
 * a lease kept while it is sent (renewed before every external call, see NotificationLease),
 * sends it, and records sent, skipped (nowhere to send), retry later, or failed (an answer that
 * will not change, or retried past its give-up time). A row whose lease went to another runner
 * is left to it. It never touches a run's state: a notification that fails shows on the run and
 * changes nothing else.
 */
@Injectable()
export class NotificationWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger(NotificationWorker.name);
  private readonly loop: ChannelWorkerLoop;
  private readonly sends: Counter;
  private readonly backlog: Gauge;

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: NotificationStore,
    private readonly runs: RunsRepository,
    private readonly projects: RunnerProjectsRepository,
    private readonly github: GithubFeedback,
    private readonly slack: SlackFeedback,
    metrics: MetricsService,
    @Inject(KLEPAAS_CONFIG) private readonly config: KlepaasConfig,
  ) {
    this.loop = new ChannelWorkerLoop(this.config.databaseUrl, NOTIFY_DUE_CHANNEL);
    this.sends = metrics.counter(
      'klepaas_notifications_total',
      'Run notifications tried, by target (github, slack-operator, slack-project) and outcome (sent, retry, failed, skipped, lease-lost)',
      ['target', 'outcome'],
    );
    this.backlog = metrics.gauge('klepaas_notifications_pending', 'Run notifications waiting to be sent');
  }

  onApplicationBootstrap(): void {
    this.loop.start(() => this.run());
  }

  async onModuleDestroy(): Promise<void> {
    await this.loop.stop();
  }

  private async run(): Promise<void> {
    while (this.loop.running) {
      let claimed: Notification | null = null;
      try {
        claimed = await this.store.claimNext(this.config.runner.leaseMs, randomUUID());
        if (claimed) await withCorrelation(claimed.runId, () => this.handle(claimed!));
        this.backlog.set(await this.store.backlog());
      } catch (error) {
        this.log.warn(`cannot send notifications: ${String((error as Error).message ?? error)}`);
      }
      if (!claimed && this.loop.running) {
        const ms = await this.store.msUntilNextDue(IDLE_POLL_MS).catch(() => IDLE_POLL_MS);
        await this.loop.sleep(Math.max(ms, 20));
      }
    }
  }

  private async handle(n: Notification): Promise<void> {
    const lease = new NotificationLease(this.store, n, this.config.runner.leaseMs).start();
    try {
      await this.send(n, lease.beforeCall);
      // Tests stop the runner here (sandbox mode): the call was made, the row is not yet marked.
      pausePoint(`after-notify-send-${n.target}`);
      this.sends.inc({ target: n.target, outcome: 'sent' });
      if (!(await this.store.finish(n, 'sent', null))) this.lostLease(n);
    } catch (error) {
      if (error instanceof LeaseLost) return this.lostLease(n);
      const verdict = verdictOf(error, n.attempts);
      const giveUp = verdict.outcome === 'retry' && Date.now() + verdict.afterMs >= n.giveUpAt.getTime();
      const outcome = giveUp ? 'failed' : verdict.outcome;
      this.sends.inc({ target: n.target, outcome });
      if (verdict.outcome === 'retry' && !giveUp) {
        await this.store.retryAt(n, new Date(Date.now() + verdict.afterMs), verdict.error);
        return;
      }
      const why = giveUp ? `gave up after ${n.attempts} attempts: ${verdict.error}` : verdict.error;
      if (outcome === 'failed') this.log.warn(`run ${n.runId}: ${n.target} ${n.kind} notification failed: ${why}`);
      await this.store.finish(n, outcome === 'skipped' ? 'skipped' : 'failed', why);
    } finally {
      lease.stop();
    }
  }

  private lostLease(n: Notification): void {
    this.sends.inc({ target: n.target, outcome: 'lease-lost' });
    this.log.warn(`run ${n.runId}: ${n.target} ${n.kind} notification: the lease went to another runner, left to it`);
  }

  private async send(n: Notification, beforeCall: () => Promise<void>): Promise<void> {
    const run = await this.runs.find(n.runId);
    const project = await this.projects.byId(this.dataSource.manager, n.projectId);
    if (!run || !project) throw new NothingToNotify('the run or its project is gone');
    // An end goes only where something of the run arrived before (docs/notifications.md).
    if (n.kind === 'ended' && !(await this.store.earlierSent(n)))
      throw new NothingToNotify('nothing earlier of the run reached this destination');
    const runUrl = `${this.config.publicUrl.replace(/\/+$/, '')}/api/v1/runs/${run.id}`;
    if (n.target === 'github') {
      if (!run.commitSha) throw new NothingToNotify('the run names no commit');
      return this.github.send(n, run, project, runUrl, beforeCall);
    }
    return this.slack.send(n, await this.facts(run, project.owner, project.repo, runUrl), beforeCall);
  }

  private async facts(run: Run, owner: string, repo: string, runUrl: string): Promise<RunFacts> {
    const [step] = run.failedStep
      ? await this.dataSource.query(`SELECT error FROM run_steps WHERE run_id = $1 AND name = $2`, [
          run.id,
          run.failedStep,
        ])
      : [];
    return {
      runId: run.id,
      owner,
      repo,
      status: run.status,
      triggerType: run.triggerType,
      actor: run.actor,
      commitSha: run.commitSha,
      commitMessage: run.commitMessage,
      image: run.image,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
      reason: run.reason,
      failedStep: run.failedStep,
      stepError: step?.error ?? null,
      runUrl,
    };
  }
}
