import type { MetricsService } from '@klepaas/observability';
import type { NcpCallObserver } from './core/call-observer';

/** `klepaas_ncp_calls_total` and `klepaas_ncp_call_seconds`, by NCP service, operation and status. */
export function ncpCallMetrics(metrics: MetricsService): NcpCallObserver {
  const calls = metrics.counter(
    'klepaas_ncp_calls_total',
    'NCP API calls (after retries), by service, operation and HTTP status (0: no answer)',
    ['service', 'operation', 'status'],
  );
  const seconds = metrics.histogram(
    'klepaas_ncp_call_seconds',
    'Time of an NCP API call, retries included',
    ['service', 'operation'],
    [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  );
  return (o) => {
    calls.inc({ service: o.service, operation: o.operation, status: String(o.status) });
    seconds.observe({ service: o.service, operation: o.operation }, o.durationMs / 1000);
  };
}
