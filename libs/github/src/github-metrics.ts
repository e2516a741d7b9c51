import type { MetricsService } from '@klepaas/observability';
import type { GithubCallObserver } from './call-observer';

/** `klepaas_github_calls_total` by operation and status, and the rate limit GitHub last reported. */
export function githubCallMetrics(metrics: MetricsService): GithubCallObserver {
  const calls = metrics.counter(
    'klepaas_github_calls_total',
    'GitHub REST answers (each attempt), by operation and HTTP status (0: no answer)',
    ['operation', 'status'],
  );
  const remaining = metrics.gauge(
    'klepaas_github_rate_limit_remaining',
    'Requests left in the current GitHub rate-limit window, as its last answer said',
    ['resource'],
  );
  return (o) => {
    calls.inc({ operation: o.operation, status: String(o.status) });
    if (o.rateLimitRemaining !== undefined)
      remaining.set({ resource: o.rateLimitResource ?? 'core' }, o.rateLimitRemaining);
  };
}
