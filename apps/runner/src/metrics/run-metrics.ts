import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import { EventEnvelope, Events, RunCompletedPayload } from '@klepaas/contracts';
import { OutboxRelay } from '@klepaas/messaging';
import { MetricsService } from '@klepaas/observability';
import { ACTIVE } from '../runs/run';

/** Seconds: a step or a run takes from seconds (a scale) to many minutes (a build). */
const DURATION_BUCKETS = [1, 5, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600];
/** Seconds a run waits before it starts: none, or behind the project's active run. */
const WAIT_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900];

/**
 * The runner's run metrics. Counters and histograms follow RunCompleted as the outbox publishes it,
 * so they count committed runs only (a rolled-back transaction counts nothing); gauges read the
 * runs table when scraped, so every replica reports the same truth (take the max across them).
 */
@Injectable()
export class RunMetrics implements OnModuleInit {
  private readonly log = new Logger(RunMetrics.name);

  constructor(
    private readonly metrics: MetricsService,
    private readonly relay: OutboxRelay,
    private readonly dataSource: DataSource,
  ) {}

  onModuleInit(): void {
    const runs = this.metrics.counter('klepaas_runs_total', 'Runs ended, by trigger and outcome', [
      'trigger',
      'outcome',
    ]);
    const runSeconds = this.metrics.histogram(
      'klepaas_run_duration_seconds',
      'Time from a run queued to its end, by trigger and outcome',
      ['trigger', 'outcome'],
      DURATION_BUCKETS,
    );
    const waited = this.metrics.histogram(
      'klepaas_run_queue_seconds',
      'Time from a run queued to its start (mirror requested)',
      ['trigger'],
      WAIT_BUCKETS,
    );
    const steps = this.metrics.histogram(
      'klepaas_run_step_duration_seconds',
      'Time of each step of an ended run, by step and its outcome',
      ['step', 'outcome'],
      DURATION_BUCKETS,
    );
    this.relay.onPublished((envelopes) => {
      const ended = envelopes.filter((e) => e.type === Events.RunCompleted.name);
      for (const envelope of ended) {
        const p = envelope.payload as RunCompletedPayload;
        runs.inc({ trigger: p.trigger.type, outcome: p.status });
        runSeconds.observe({ trigger: p.trigger.type, outcome: p.status }, p.durationMs / 1000);
        if (p.startedAt)
          waited.observe({ trigger: p.trigger.type }, (Date.parse(p.startedAt) - Date.parse(p.queuedAt)) / 1000);
      }
      if (ended.length) void this.observeSteps(ended, steps);
    });
    this.scrapedGauges();
  }

  /** The steps of the runs that just ended, from the runner's own table (one query per batch). */
  private async observeSteps(ended: EventEnvelope[], steps: ReturnType<MetricsService['histogram']>): Promise<void> {
    try {
      const rows: { name: string; status: string; seconds: number }[] = await this.dataSource.query(
        `SELECT name, status, EXTRACT(EPOCH FROM (finished_at - started_at))::float8 AS seconds FROM run_steps
          WHERE run_id = ANY($1::uuid[]) AND started_at IS NOT NULL AND finished_at IS NOT NULL`,
        [ended.map((e) => (e.payload as RunCompletedPayload).runId)],
      );
      for (const r of rows) steps.observe({ step: r.name, outcome: r.status }, Math.max(0, r.seconds));
    } catch (error) {
      this.log.warn(`step durations not recorded: ${String((error as Error).message ?? error)}`);
    }
  }

  /** Active runs and runs past their step deadline, counted when Prometheus scrapes. */
  private scrapedGauges(): void {
    const dataSource = this.dataSource;
    new Gauge({
      name: 'klepaas_runs_active',
      help: 'Runs in progress (mirroring, building, deploying), by status; every replica reports all',
      labelNames: ['status'],
      registers: [this.metrics.registry],
      async collect() {
        const rows: { status: string; n: number }[] = await dataSource.query(
          `SELECT status, count(*)::int AS n FROM runs WHERE status = ANY($1::text[]) GROUP BY status`,
          [ACTIVE],
        );
        for (const status of ACTIVE) this.set({ status }, rows.find((r) => r.status === status)?.n ?? 0);
      },
    });
    new Gauge({
      name: 'klepaas_runs_past_deadline',
      help: 'Runs in progress whose current step is more than a minute past its deadline (stuck)',
      registers: [this.metrics.registry],
      async collect() {
        const [row] = await dataSource.query(
          `SELECT count(*)::int AS n FROM runs WHERE status = ANY($1::text[])
            AND step_deadline_at < now() - interval '1 minute'`,
          [ACTIVE],
        );
        this.set(row?.n ?? 0);
      },
    });
  }
}
