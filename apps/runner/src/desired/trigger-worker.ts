import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { KLEPAAS_CONFIG, KlepaasConfig } from '@klepaas/config';
import { ChannelWorkerLoop } from '@klepaas/persistence';
import { RunnerProjectsRepository } from '../projects/runner-projects.repository';
import { ApplyTrigger } from './apply-trigger';
import { TriggerLookups } from './trigger-lookups';
import { TRIGGER_DUE_CHANNEL, TriggerLeaseLost, TriggerQueue } from './trigger-queue';

/**
 * Projects whose queues are worked on at once: most of the time goes to GitHub's answers, and a
 * database connection is held only to decide (under load, 4 made two hundred pushes wait in line).
 */
const MAX_PROJECTS_IN_FLIGHT = 16;
const IDLE_POLL_MS = 1000;
/** GitHub failing: the trigger is tried again after 1, 2, 4 … s, at most 30 s apart. */
const retryDelay = (attempts: number) => Math.min(30_000, 1000 * 2 ** Math.min(attempts, 5));

/**
 * Works through each project's trigger queue in order, outside any message handler: the GitHub
 * lookups a trigger needs (branch head, merge commit, a ref's commit) happen here, so a slow or
 * failing GitHub delays only that project's triggers, never the runner's queue. One runner holds
 * a project's queue at a time (a lease, renewed while it works).
 */
@Injectable()
export class TriggerWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger(TriggerWorker.name);
  private readonly loop: ChannelWorkerLoop;
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly queue: TriggerQueue,
    private readonly projects: RunnerProjectsRepository,
    private readonly lookups: TriggerLookups,
    private readonly applier: ApplyTrigger,
    @Inject(KLEPAAS_CONFIG) private readonly config: KlepaasConfig,
  ) {
    this.loop = new ChannelWorkerLoop(this.config.databaseUrl, TRIGGER_DUE_CHANNEL);
  }

  onApplicationBootstrap(): void {
    this.loop.start(() => this.run());
  }

  async onModuleDestroy(): Promise<void> {
    await this.loop.stop();
  }

  private async run(): Promise<void> {
    while (this.loop.running) {
      let claimed: string | null = null;
      if (this.inFlight.size < MAX_PROJECTS_IN_FLIGHT) {
        const token = randomUUID();
        claimed = await this.queue
          .claimProject(token, this.config.runner.leaseMs, [...this.inFlight.keys()])
          .catch((error: unknown) => {
            this.log.warn(`cannot claim a trigger queue: ${String((error as Error).message ?? error)}`);
            return null;
          });
        if (claimed) {
          const projectId = claimed;
          const work = this.work(projectId, token).finally(() => {
            this.inFlight.delete(projectId);
            this.loop.wake();
          });
          this.inFlight.set(projectId, work);
        }
      }
      if (!claimed && this.loop.running) {
        const ms = await this.queue.msUntilNextDue(IDLE_POLL_MS).catch(() => IDLE_POLL_MS);
        await this.loop.sleep(Math.max(ms, 20));
      }
    }
    await Promise.allSettled([...this.inFlight.values()]);
  }

  /** Decides the project's due triggers in order; stops at the first one GitHub must be asked again for. */
  private async work(projectId: string, token: string): Promise<void> {
    const leaseMs = this.config.runner.leaseMs;
    const heartbeat = setInterval(
      () => void this.queue.renew(projectId, token, leaseMs).catch(() => undefined),
      leaseMs / 3,
    );
    try {
      for (;;) {
        const trigger = await this.queue.oldestPending(projectId);
        if (!trigger || !trigger.due || !this.loop.running) return;
        const project = await this.projects.byId(this.dataSource.manager, projectId);
        if (!project) return;
        let lookups;
        try {
          lookups = await this.lookups.gather(project, trigger.input);
        } catch (error) {
          const why = `GitHub did not answer: ${String((error as Error).message ?? error)}`;
          if (trigger.giveUpAt && trigger.giveUpAt.getTime() <= Date.now()) {
            this.log.warn(`giving up on a ${trigger.input.kind} trigger of project ${projectId}: ${why}`);
            await this.applier.giveUp(trigger, token, `${why}; the reconcile will look at the branch again`);
            continue;
          }
          this.log.warn(`${trigger.input.kind} trigger of project ${projectId} waits: ${why}`);
          await this.queue.retryLater(trigger, retryDelay(trigger.attempts));
          return;
        }
        try {
          await this.applier.apply(trigger, token, lookups);
        } catch (error) {
          if (error instanceof TriggerLeaseLost) throw error;
          this.log.warn(
            `${trigger.input.kind} trigger of project ${projectId}: ${String((error as Error).message ?? error)}`,
          );
          await this.queue.retryLater(trigger, retryDelay(trigger.attempts));
          return;
        }
      }
    } catch (error) {
      this.log.warn(`trigger queue of project ${projectId}: ${String((error as Error).message ?? error)}`);
    } finally {
      clearInterval(heartbeat);
      await this.queue.release(projectId, token).catch(() => undefined);
    }
  }
}
