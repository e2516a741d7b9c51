import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { KLEPAAS_CONFIG, KlepaasConfig } from '@klepaas/config';
import { NotificationListener, WakeableSleep } from '@klepaas/persistence';
import { withCorrelation } from '@klepaas/observability';
import { Run } from '../runs/run';
import { RUN_DUE_CHANNEL, RunsRepository } from '../runs/runs.repository';
import { BuildStep } from './build-step';
import { DeployStep } from './deploy-step';
import { MirrorWatch } from './mirror-watch';
import { StartRun } from './start-run';

/** Runs advanced at once; each holds at most one pooled connection at a time (the pool is 10). */
const MAX_IN_FLIGHT = 8;
/** A claimed run is not due again for this long; a runner that dies lets it go after it. */
const LEASE_MS = 60_000;
const IDLE_POLL_MS = 1000;
const RETRY_AFTER_ERROR_MS = 5000;

/**
 * Drives every run forward: claims the runs that are due (next_poll_at in the past, SKIP LOCKED,
 * so any number of runners share the work and a killed runner's runs resume), advances each by
 * one step, and sleeps until the next is due, a NOTIFY says one became due, or a second passes.
 */
@Injectable()
export class RunDriver implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger(RunDriver.name);
  private running = false;
  private loop?: Promise<void>;
  private readonly pause = new WakeableSleep();
  private listener?: NotificationListener;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly runs: RunsRepository,
    private readonly start: StartRun,
    private readonly mirror: MirrorWatch,
    private readonly build: BuildStep,
    private readonly deploy: DeployStep,
    @Inject(KLEPAAS_CONFIG) private readonly config: KlepaasConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.running = true;
    this.listener = new NotificationListener(this.config.databaseUrl, RUN_DUE_CHANNEL, () => this.wake());
    this.loop = this.run();
  }

  async onModuleDestroy(): Promise<void> {
    this.running = false;
    this.wake();
    await Promise.race([this.loop, new Promise((r) => setTimeout(r, 15_000).unref())]);
    await this.listener?.stop();
  }

  wake(): void {
    this.pause.wake();
  }

  /**
   * Runs advance independently: a run that becomes due is claimed as soon as a slot is free,
   * not after the slowest of a batch. At most MAX_IN_FLIGHT at once, so the pool stays shared
   * with the event handlers.
   */
  private async run(): Promise<void> {
    while (this.running) {
      let claimed: Run[] = [];
      const free = MAX_IN_FLIGHT - this.inFlight.size;
      if (free > 0) {
        try {
          claimed = await this.runs.claimDue(free, LEASE_MS);
        } catch (error) {
          this.log.warn(`cannot claim due runs: ${String((error as Error).message ?? error)}`);
        }
      }
      for (const run of claimed) {
        const work: Promise<void> = this.advance(run).finally(() => {
          this.inFlight.delete(work);
          this.wake();
        });
        this.inFlight.add(work);
      }
      if (free === 0 || claimed.length < free) {
        await this.idle(await this.runs.msUntilNextDue(IDLE_POLL_MS).catch(() => IDLE_POLL_MS));
      }
    }
    await Promise.allSettled([...this.inFlight]);
  }

  private advance(run: Run): Promise<void> {
    return withCorrelation(run.id, async () => {
      try {
        switch (run.status) {
          case 'queued':
            await this.start.advance(run);
            break;
          case 'mirroring':
            await this.mirror.advance(run);
            break;
          case 'building':
            await this.build.advance(run);
            break;
          case 'deploying':
            await this.deploy.advance(run);
            break;
          default:
            await this.runs.updateNow(run, { nextPollAt: null });
        }
      } catch (error) {
        // NCP or the database failed for now: the run stays where it is and is tried again soon.
        this.log.warn(`run ${run.id} (${run.status}) could not advance: ${String((error as Error).message ?? error)}`);
        await this.runs
          .updateNow(run, { nextPollAt: new Date(Date.now() + RETRY_AFTER_ERROR_MS) })
          .catch(() => undefined);
      }
    });
  }

  private idle(ms: number): Promise<void> {
    return this.running ? this.pause.sleep(ms) : Promise.resolve();
  }
}
