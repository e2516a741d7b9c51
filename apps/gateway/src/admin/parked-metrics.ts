import { Injectable, OnModuleInit } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import { MetricsService } from '@klepaas/observability';

/**
 * `klepaas_parked_messages`: messages drained from the dead-letter queues and not replayed, by
 * queue, read from `parked_messages` when Prometheus scrapes (the gateway is its only writer).
 * Anything above zero needs an operator (docs/operations.md).
 */
@Injectable()
export class ParkedMetrics implements OnModuleInit {
  constructor(
    private readonly metrics: MetricsService,
    private readonly dataSource: DataSource,
  ) {}

  onModuleInit(): void {
    const dataSource = this.dataSource;
    new Gauge({
      name: 'klepaas_parked_messages',
      help: 'Parked messages not replayed, by queue',
      labelNames: ['queue'],
      registers: [this.metrics.registry],
      async collect() {
        this.reset();
        const rows: { queue: string; n: number }[] = await dataSource.query(
          `SELECT queue, count(*)::int AS n FROM parked_messages WHERE replayed_at IS NULL GROUP BY queue`,
        );
        for (const r of rows) this.set({ queue: r.queue }, r.n);
      },
    });
  }
}
