import type { EntityManager } from 'typeorm';

/** The four DORA figures over a window of days, for one project or all of an owner's (docs/api.md, "Stats"). */
export interface DeliveryStatsView {
  window: string;
  from: string;
  to: string;
  projects: number;
  deploymentFrequency: { deployments: number; perDay: number; rollbacks: number };
  leadTimeForChanges: { p50Ms: number | null; p90Ms: number | null; samples: number };
  changeFailureRate: { rate: number | null; failedChanges: number; changes: number };
  timeToRestore: { p50Ms: number | null; p90Ms: number | null; restored: number; unrestored: number };
}

export const MAX_WINDOW_DAYS = 365;

/** `7d`, `30d`, `90d`: 1 to 365 days; anything else is refused (null). */
export function parseWindowDays(window: string): number | null {
  const match = /^([1-9][0-9]{0,2})d$/.exec(window);
  const days = match ? Number(match[1]) : NaN;
  return days >= 1 && days <= MAX_WINDOW_DAYS ? days : null;
}

/**
 * The figures in one statement over `rm_deployments` (index `rm_deployments_project`: project,
 * start time), `rm_commits` (primary key) and `rm_projects`. Only finished deployments count
 * (succeeded or failed; a superseded or cancelled one shipped nothing), and scaling is no change.
 * A change is a deployment that is not a rollback; it failed when its own deploy failed or when
 * the project's next deployment is a rollback; it is restored by the next deployment that
 * succeeds (a rollback or a new change).
 */
const STATS_SQL = `
WITH d AS (
  SELECT d.id, d.project_id, d.status, d.started_at, d.finished_at, d.commit_sha, d.is_rollback,
         LEAD(d.is_rollback) OVER (PARTITION BY d.project_id ORDER BY d.started_at, d.id) AS next_is_rollback
    FROM rm_deployments d
   WHERE d.project_id = ANY($1::uuid[]) AND d.started_at >= $2 AND d.started_at < $3
     AND d.status IN ('succeeded', 'failed') AND d.trigger->>'type' <> 'scale'
), changes AS (
  SELECT d.*, d.status = 'failed' OR COALESCE(d.next_is_rollback, false) AS failed_change FROM d WHERE NOT d.is_rollback
), restores AS (
  SELECT EXTRACT(EPOCH FROM (s.finished_at - f.finished_at)) * 1000 AS ms
    FROM changes f
    LEFT JOIN LATERAL (
      SELECT n.finished_at FROM rm_deployments n
       WHERE n.project_id = f.project_id AND n.status = 'succeeded' AND n.trigger->>'type' <> 'scale'
         AND (n.started_at, n.id) > (f.started_at, f.id)
       ORDER BY n.started_at, n.id LIMIT 1
    ) s ON true
   WHERE f.failed_change
), leads AS (
  SELECT GREATEST(0, EXTRACT(EPOCH FROM (c.finished_at - k.committed_at)) * 1000) AS ms
    FROM changes c
    JOIN rm_projects p ON p.id = c.project_id
    JOIN rm_commits k ON k.repository_id = p.github_repository_id AND k.sha = c.commit_sha
   WHERE c.status = 'succeeded'
)
SELECT
  (SELECT count(*) FROM changes WHERE status = 'succeeded')::int AS deployed,
  (SELECT count(*) FROM d WHERE is_rollback AND status = 'succeeded')::int AS rollbacks,
  (SELECT count(*) FROM changes)::int AS changes,
  (SELECT count(*) FROM changes WHERE failed_change)::int AS failed_changes,
  (SELECT count(*) FROM leads)::int AS lead_samples,
  (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) FROM leads) AS lead_p50,
  (SELECT percentile_cont(0.9) WITHIN GROUP (ORDER BY ms) FROM leads) AS lead_p90,
  (SELECT count(ms) FROM restores)::int AS restored,
  (SELECT count(*) FROM restores WHERE ms IS NULL)::int AS unrestored,
  (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) FROM restores WHERE ms IS NOT NULL) AS restore_p50,
  (SELECT percentile_cont(0.9) WITHIN GROUP (ORDER BY ms) FROM restores WHERE ms IS NOT NULL) AS restore_p90`;

/** Read-only DORA figures over history's deployments; callers pass only projects the owner may see. */
export class DeliveryStatsQueries {
  constructor(private readonly manager: EntityManager) {}

  async forProjects(projectIds: string[], days: number, now: Date = new Date()): Promise<DeliveryStatsView> {
    const from = new Date(now.getTime() - days * 86_400_000);
    const [r] = await this.manager.query(STATS_SQL, [projectIds, from.toISOString(), now.toISOString()]);
    return {
      window: `${days}d`,
      from: from.toISOString(),
      to: now.toISOString(),
      projects: projectIds.length,
      deploymentFrequency: {
        deployments: r.deployed,
        perDay: round(r.deployed / days, 3),
        rollbacks: r.rollbacks,
      },
      leadTimeForChanges: { p50Ms: ms(r.lead_p50), p90Ms: ms(r.lead_p90), samples: r.lead_samples },
      changeFailureRate: {
        rate: r.changes ? round(r.failed_changes / r.changes, 4) : null,
        failedChanges: r.failed_changes,
        changes: r.changes,
      },
      timeToRestore: {
        p50Ms: ms(r.restore_p50),
        p90Ms: ms(r.restore_p90),
        restored: r.restored,
        unrestored: r.unrestored,
      },
    };
  }

  /** The owner's projects that count (not deleted, not taken over by a GitHub admin of the repository). */
  async projectsOfOwner(ownerId: string): Promise<string[]> {
    const rows: { id: string }[] = await this.manager.query(
      `SELECT p.id FROM rm_projects p
        WHERE p.owner_id = $1 AND p.status <> 'deleted'
          AND NOT EXISTS (SELECT 1 FROM repository_takeovers t WHERE t.previous_project_id = p.id AND t.previous_owner_id = $1)`,
      [ownerId],
    );
    return rows.map((r) => r.id);
  }
}

const ms = (value: number | string | null) => (value === null ? null : Math.round(Number(value)));
const round = (value: number, digits: number) => Number(value.toFixed(digits));
