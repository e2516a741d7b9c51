import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { KLEPAAS_CONFIG, KlepaasConfig } from '@klepaas/config';
import { ChannelWorkerLoop } from '@klepaas/persistence';
import { withCorrelation } from '@klepaas/observability';
import { errorInfo } from '../runs/error-info';
import { Run } from '../runs/run';
import { RUN_DUE_CHANNEL, RunsRepository } from '../runs/runs.repository';
import { BuildStep } from './build-step';
import { DeployStep } from './deploy-step';
import { MirrorWatch } from './mirror-watch';
import { RunLease, RunLeaseLost } from './run-lease';
import { StartRun } from './start-run';

/**
 * Runs advanced at once. Each holds at most one pooled connection at a time (the pool is 16),
 * and most of an advance is spent waiting for NCP, not holding one.
 */
const MAX_IN_FLIGHT = 16;
const IDLE_POLL_MS = 1000;
const RETRY_AFTER_ERROR_MS = 5000;

/**
 * Drives every run forward: claims runs that are due and held by no runner (SKIP LOCKED, so any
 * number of runners share the work), holds each with a lease renewed while it works (so a call
 * longer than the lease never lets a second runner in, and a killed runner's runs are taken over
 * when the lease runs out), advances it by one step, and sleeps until the next is due, a NOTIFY
 * says one became due, or a second passes. A step whose deadline passed ends the run, whatever
 * NCP answers (or fails to) meanwhile.
 */
@Injectable()
export class RunDriver implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger(RunDriver.name);
  private readonly loop: ChannelWorkerLoop;
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(
    private readonly runs: RunsRepository,
    private readonly start: StartRun,
    private readonly mirror: MirrorWatch,
    private readonly build: BuildStep,
    private readonly deploy: DeployStep,
    @Inject(KLEPAAS_CONFIG) private readonly config: KlepaasConfig,
  ) {
    this.loop = new ChannelWorkerLoop(this.config.databaseUrl, RUN_DUE_CHANNEL);
  }

  onApplicationBootstrap(): void {
    this.loop.start(() => this.run());
  }

  async onModuleDestroy(): Promise<void> {
    await this.loop.stop();
  }

  wake(): void {
    this.loop.wake();
  }

  /**
   * Runs advance independently: a run that becomes due is claimed as soon as a slot is free,
   * not after the slowest of a batch. At most MAX_IN_FLIGHT at once, so the pool stays shared
   * with the event handlers; never a run this process is still advancing.
   */
  private async run(): Promise<void> {
    const leaseMs = this.config.runner.leaseMs;
    while (this.loop.running) {
      let claimed: Run[] = [];
      const free = MAX_IN_FLIGHT - this.inFlight.size;
      const token = randomUUID();
      if (free > 0) {
        try {
          claimed = await this.runs.claimDue(free, leaseMs, token, [...this.inFlight.keys()]);
        } catch (error) {
          this.log.warn(`cannot claim due runs: ${String((error as Error).message ?? error)}`);
        }
      }
      for (const run of claimed) {
        const work = this.hold(run, new RunLease(token, leaseMs)).finally(() => {
          this.inFlight.delete(run.id);
          this.wake();
        });
        this.inFlight.set(run.id, work);
      }
      if (free === 0 || claimed.length < free) {
        const ms = await this.runs.msUntilNextDue(IDLE_POLL_MS).catch(() => IDLE_POLL_MS);
        await this.idle(Math.max(ms, 20));
      }
    }
    await Promise.allSettled([...this.inFlight.values()]);
  }

  /** Advances one run under its lease, renewing it every third of its length, and gives it back. */
  private async hold(run: Run, lease: RunLease): Promise<void> {
    const leaseMs = this.config.runner.leaseMs;
    const heartbeat = setInterval(() => {
      this.runs
        .renewLease(run.id, lease.token, leaseMs)
        .then((held) => held && lease.renewed())
        .catch(() => undefined);
    }, leaseMs / 3);
    try {
      await withCorrelation(run.id, () => this.advance(run, lease));
    } finally {
      clearInterval(heartbeat);
      await this.runs.releaseLease(run.id, lease.token).catch(() => undefined);
    }
  }

  private async advance(run: Run, lease: RunLease): Promise<void> {
    try {
      if (this.pastDeadline(run)) return void (await this.timedOut(run, lease));
      switch (run.status) {
        case 'queued':
          await this.start.advance(run, lease);
          break;
        case 'mirroring':
          await this.mirror.advance(run, lease);
          break;
        case 'building':
          await this.build.advance(run, lease);
          break;
        case 'deploying':
          await this.deploy.advance(run, lease);
          break;
        default:
          await this.runs.updateNow(run, { nextPollAt: null }, lease.token);
      }
    } catch (error) {
      if (error instanceof RunLeaseLost) {
        this.log.warn(`run ${run.id}: ${error.message}; another runner takes it over`);
        return;
      }
      // NCP, GitHub or the database failed for now: the run stays where it is and is tried again
      // soon; the error counts against the step's deadline and is kept for its message.
      this.log.warn(`run ${run.id} (${run.status}) could not advance: ${String((error as Error).message ?? error)}`);
      await this.runs
        .updateNow(
          run,
          { nextPollAt: new Date(Date.now() + RETRY_AFTER_ERROR_MS), lastError: errorInfo(error) },
          lease.token,
        )
        .catch(() => undefined);
    }
  }

  /** Building and deploying end at their deadline; a mirroring run's deadline is its watch's wake-up. */
  private pastDeadline(run: Run): boolean {
    return (
      (run.status === 'building' || run.status === 'deploying') &&
      run.stepDeadlineAt !== null &&
      run.stepDeadlineAt.getTime() <= Date.now()
    );
  }

  private timedOut(run: Run, lease: RunLease): Promise<unknown> {
    return run.status === 'building' ? this.build.timedOut(run, lease) : this.deploy.timedOut(run, lease);
  }

  private idle(ms: number): Promise<void> {
    return this.loop.sleep(ms);
  }
}
