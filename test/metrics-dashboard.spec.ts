import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const ROOT = join(__dirname, '..');

/** Every `.ts` source file (not tests) under apps/ and libs/. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'test' ? [] : sources(path);
    return entry.name.endsWith('.ts') && !/\.(int-)?spec\.ts$/.test(entry.name) ? [path] : [];
  });
}

/** The series names the services register: MetricsService calls and prom-client constructors, histograms' three series each. */
function registeredSeries(): Set<string> {
  const names = new Set<string>();
  const patterns = [
    /\.(counter|gauge|histogram)\(\s*'(klepaas_[a-z0-9_]+)'/g,
    /new (Counter|Gauge|Histogram)\(\{\s*name:\s*'(klepaas_[a-z0-9_]+)'/g,
  ];
  for (const file of [...sources(join(ROOT, 'apps')), ...sources(join(ROOT, 'libs'))]) {
    const text = readFileSync(file, 'utf8');
    for (const pattern of patterns)
      for (const [, kind, name] of text.matchAll(pattern)) {
        names.add(name);
        if (kind.toLowerCase() === 'histogram')
          for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix);
      }
  }
  return names;
}

/** The metric names a PromQL expression reads (label values and strings removed first). */
const metricsIn = (expr: string) => [...new Set(expr.replace(/"[^"]*"/g, '""').match(/\bklepaas_[a-z0-9_]+/g) ?? [])];

describe('the Grafana dashboard and the alert rules', () => {
  const registered = registeredSeries();
  const dashboard = JSON.parse(readFileSync(join(ROOT, 'deploy/grafana/klepaas-runs.json'), 'utf8'));
  const rules = parse(readFileSync(join(ROOT, 'deploy/prometheus/alerts.yaml'), 'utf8')).groups.flatMap(
    (g: { rules: unknown[] }) => g.rules,
  );
  const panelExprs: string[] = dashboard.panels.flatMap((p: { targets: { expr: string }[] }) =>
    p.targets.map((t) => t.expr),
  );

  it('finds the metrics the services register (the scan itself works)', () => {
    for (const name of ['klepaas_runs_total', 'klepaas_ncp_calls_total', 'klepaas_outbox_backlog'])
      expect(registered).toContain(name);
  });

  it('reads only metrics the services register', () => {
    const unknown = panelExprs.flatMap(metricsIn).filter((name) => !registered.has(name));
    expect(unknown).toEqual([]);
    expect(panelExprs.length).toBeGreaterThan(10);
  });

  it('alerts only on metrics the services register, on parked messages, outbox backlog, stuck or absent runners, notifications and NCP errors', () => {
    const exprs: string[] = rules.map((r: { expr: string }) => r.expr);
    expect(exprs.flatMap(metricsIn).filter((name) => !registered.has(name))).toEqual([]);
    const read = new Set(exprs.flatMap(metricsIn));
    for (const name of [
      'klepaas_parked_messages',
      'klepaas_outbox_backlog',
      'klepaas_runs_past_deadline',
      'klepaas_ncp_calls_total',
      'klepaas_runs_active',
      'klepaas_notifications_total',
      'klepaas_notifications_pending',
    ])
      expect(read).toContain(name);
  });
});
