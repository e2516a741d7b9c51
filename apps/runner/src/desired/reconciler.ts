import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { KLEPAAS_CONFIG, KlepaasConfig } from '@klepaas/config';
import { WakeableSleep } from '@klepaas/persistence';
import { RECONCILE_GIVE_UP_MS, TriggerQueue } from './trigger-queue';

/**
 * The recovery for webhooks that never arrived: every auto-deploying project's branch is looked
 * at again once per interval (a reconcile trigger, decided in the project's queue like any other).
 * GitHub calls are budgeted per minute (a token bucket per runner process), conditional requests
 * make an unchanged branch free, and projects are taken least recently checked first, claimed
 * with SKIP LOCKED so several runners share them.
 */
@Injectable()
export class Reconciler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger(Reconciler.name);
  private running = false;
  private loop?: Promise<void>;
  private readonly pause = new WakeableSleep();
  private tokens = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly queue: TriggerQueue,
    @Inject(KLEPAAS_CONFIG) private readonly config: KlepaasConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.running = true;
    this.loop = this.run();
  }

  async onModuleDestroy(): Promise<void> {
    this.running = false;
    this.pause.wake();
    await this.loop;
  }

  private async run(): Promise<void> {
    const { reconcileIntervalMs, reconcileCallsPerMinute } = this.config.runner;
    const tickMs = Math.min(30_000, Math.max(200, reconcileIntervalMs / 10));
    const perTick = (reconcileCallsPerMinute * tickMs) / 60_000;
    while (this.running) {
      this.tokens = Math.min(this.tokens + perTick, Math.max(1, reconcileCallsPerMinute));
      const allowed = Math.floor(this.tokens);
      if (allowed > 0) {
        try {
          this.tokens -= await this.enqueueDue(reconcileIntervalMs, allowed);
        } catch (error) {
          this.log.warn(`reconcile: ${String((error as Error).message ?? error)}`);
        }
      }
      await this.pause.sleep(tickMs);
    }
  }

  /** Marks up to `limit` projects checked now and queues a reconcile for each; returns how many. */
  private async enqueueDue(intervalMs: number, limit: number): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const [rows] = await manager.query(
        `UPDATE runner_projects SET branch_checked_at = now()
          WHERE project_id IN (
            SELECT project_id FROM runner_projects
             WHERE status = 'ready' AND auto_deploy
               AND (branch_checked_at IS NULL OR branch_checked_at < now() - ($1 || ' milliseconds')::interval)
               AND NOT EXISTS (SELECT 1 FROM runner_triggers t WHERE t.project_id = runner_projects.project_id
                                 AND t.status = 'pending' AND t.kind = 'reconcile')
             ORDER BY branch_checked_at NULLS FIRST LIMIT $2 FOR UPDATE SKIP LOCKED)
          RETURNING project_id`,
        [String(intervalMs), limit],
      );
      for (const { project_id } of rows as { project_id: string }[]) {
        await this.queue.enqueue(
          manager,
          project_id,
          { kind: 'reconcile', why: 'periodic check' },
          null,
          RECONCILE_GIVE_UP_MS,
        );
      }
      return rows.length;
    });
  }
}
