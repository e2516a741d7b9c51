import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { KLEPAAS_CONFIG, KlepaasConfig } from '@klepaas/config';
import { NotificationListener } from '@klepaas/persistence';
import { withCorrelation } from '@klepaas/observability';
import { Run } from '../runs/run';
import { RUN_DUE_CHANNEL, RunsRepository } from '../runs/runs.repository';
import { BuildStep } from './build-step';
import { DeployStep } from './deploy-step';
import { MirrorWatch } from './mirror-watch';
import { StartRun } from './start-run';

const BATCH = 20;
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
  private wakeUp?: () => void;
  private pending = false;
  private listener?: NotificationListener;

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
    this.pending = true;
    this.wakeUp?.();
  }

  private async run(): Promise<void> {
    while (this.running) {
      let claimed: Run[] = [];
      try {
        claimed = await this.runs.claimDue(BATCH, LEASE_MS);
        await Promise.all(claimed.map((run) => this.advance(run)));
      } catch (error) {
        this.log.warn(`cannot claim due runs: ${String((error as Error).message ?? error)}`);
      }
      if (claimed.length < BATCH)
        await this.idle(await this.runs.msUntilNextDue(IDLE_POLL_MS).catch(() => IDLE_POLL_MS));
    }
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
    if (this.pending || !this.running) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = () => {
        this.wakeUp = undefined;
        this.pending = false;
        done();
      };
    });
  }
}
