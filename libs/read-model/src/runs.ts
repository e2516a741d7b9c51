import type { EntityManager } from 'typeorm';
import { decodeCursor, encodeCursor, Page } from './cursor';

export type RunStatus =
  'queued' | 'mirroring' | 'building' | 'deploying' | 'succeeded' | 'failed' | 'cancelled' | 'superseded';
export type RunStepName = 'mirror' | 'build' | 'deploy';
export type RunStepStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'skipped';
export const FINISHED_RUN_STATUSES: readonly RunStatus[] = ['succeeded', 'failed', 'cancelled', 'superseded'];

export interface RunTriggerView {
  type: 'push' | 'release' | 'manual' | 'rollback' | 'scale' | 'reconcile';
  /** Why the runner started the run itself (reconcile), or what it noticed deciding it. */
  reason?: string;
  deliveryId?: string;
  commitSha: string | null;
  ref?: string;
  actor?: string;
}

export interface RunStepView {
  name: RunStepName;
  status: RunStepStatus;
  startedAt?: string;
  finishedAt?: string;
  error?: { message: string; code?: string | null; status?: number | null; ncpErrorCode?: string | number | null };
  failedPhase?: string;
  /** NCP ids of the step: SourceCommit repository and branch, SourceBuild project and build, SourceDeploy history. */
  ncp?: Record<string, unknown>;
}

export interface RunTimelineEntry {
  type: string;
  occurredAt: string;
  eventId: string;
  data: Record<string, unknown>;
}

/** A run as dashboards read it (docs/api.md, "Shapes": fields may be added, not renamed). */
export interface RunView {
  id: string;
  projectId: string;
  status: RunStatus;
  reason?: string;
  failedStep?: RunStepName;
  trigger: RunTriggerView;
  image?: string;
  replicas?: number;
  commitMessage?: string;
  retryOf?: string;
  rollbackOf?: string;
  steps: RunStepView[];
  timeline: RunTimelineEntry[];
  createdAt: string;
  finishedAt?: string;
}

const STEP_ORDER: RunStepName[] = ['mirror', 'build', 'deploy'];
const TIMELINE_LIMIT = 500;

/**
 * Read-only queries over runs (history writes `rm_runs`, `rm_run_steps` and `rm_timeline`). A run
 * is seen only by the owner of its project; another owner's run answers as a missing one does.
 */
export class RunQueries {
  constructor(private readonly manager: EntityManager) {}

  async findForOwner(runId: string, ownerId: string): Promise<RunView | null> {
    const rows = await this.manager.query(
      `SELECT r.* FROM rm_runs r JOIN rm_projects p ON p.id = r.project_id WHERE r.id = $1 AND p.owner_id = $2`,
      [runId, ownerId],
    );
    if (!rows.length) return null;
    const [run] = await this.withDetails(rows);
    return run;
  }

  /** Runs of one project of this owner, newest first (empty for another owner's project). */
  async listForProject(
    projectId: string,
    ownerId: string,
    limit: number,
    cursor: string | null,
  ): Promise<Page<RunView>> {
    const after = cursor ? decodeCursor(cursor) : null;
    const rows = await this.manager.query(
      `SELECT r.*, r.created_at::text AS created_exact FROM rm_runs r JOIN rm_projects p ON p.id = r.project_id
        WHERE r.project_id = $1 AND p.owner_id = $2
          AND ($3::timestamptz IS NULL OR (r.created_at, r.id) < ($3::timestamptz, $4::uuid))
        ORDER BY r.created_at DESC, r.id DESC LIMIT $5`,
      [projectId, ownerId, after?.at ?? null, after?.id ?? '00000000-0000-0000-0000-000000000000', limit + 1],
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: await this.withDetails(page),
      nextCursor: rows.length > limit && last ? encodeCursor(last.created_exact, last.id) : null,
    };
  }

  /** Who may see a project's runs and their events: its owner (null while the project is unknown). */
  async ownerOfProject(projectId: string): Promise<string | null> {
    const rows = await this.manager.query(`SELECT owner_id FROM rm_projects WHERE id = $1`, [projectId]);
    return rows[0]?.owner_id ?? null;
  }

  /** The ids (of those given) that are runs already in the read model. */
  async known(runIds: string[]): Promise<Set<string>> {
    if (!runIds.length) return new Set();
    const rows: { id: string }[] = await this.manager.query(`SELECT id FROM rm_runs WHERE id = ANY($1::uuid[])`, [
      runIds,
    ]);
    return new Set(rows.map((r) => r.id));
  }

  /** Steps and timelines of a page of runs, two queries for the whole page. */
  private async withDetails(rows: Record<string, any>[]): Promise<RunView[]> {
    if (!rows.length) return [];
    const ids = rows.map((r) => r.id);
    const steps = await this.manager.query(`SELECT * FROM rm_run_steps WHERE run_id = ANY($1::uuid[])`, [ids]);
    const events = await this.manager.query(
      `SELECT correlation_id, event_id, event_type, occurred_at, data FROM (
         SELECT t.*, row_number() OVER (PARTITION BY correlation_id ORDER BY occurred_at, seq) AS n
           FROM rm_timeline t WHERE correlation_id = ANY($1::text[])
       ) numbered WHERE n <= $2 ORDER BY occurred_at, seq`,
      [ids, TIMELINE_LIMIT],
    );
    return rows.map((r) =>
      toRunView(
        r,
        steps.filter((s: Record<string, any>) => s.run_id === r.id),
        events.filter((e: Record<string, any>) => e.correlation_id === r.id),
      ),
    );
  }
}

export function toRunView(
  r: Record<string, any>,
  steps: Record<string, any>[],
  events: Record<string, any>[],
): RunView {
  return {
    id: r.id,
    projectId: r.project_id,
    status: r.status,
    ...(r.reason ? { reason: r.reason } : {}),
    ...(r.failed_step ? { failedStep: r.failed_step } : {}),
    trigger: {
      type: r.trigger_type,
      ...(r.trigger_reason ? { reason: r.trigger_reason } : {}),
      ...(r.delivery_id ? { deliveryId: r.delivery_id } : {}),
      commitSha: r.commit_sha ?? null,
      ...(r.ref ? { ref: r.ref } : {}),
      ...(r.actor ? { actor: r.actor } : {}),
    },
    ...(r.image ? { image: r.image } : {}),
    ...(r.replicas !== null && r.replicas !== undefined ? { replicas: r.replicas } : {}),
    ...(r.commit_message ? { commitMessage: r.commit_message } : {}),
    ...(r.retry_of ? { retryOf: r.retry_of } : {}),
    ...(r.rollback_of ? { rollbackOf: r.rollback_of } : {}),
    steps: steps
      .sort((a, b) => STEP_ORDER.indexOf(a.name) - STEP_ORDER.indexOf(b.name))
      .map((s) => ({
        name: s.name,
        status: s.status,
        ...(s.started_at ? { startedAt: iso(s.started_at) } : {}),
        ...(s.finished_at ? { finishedAt: iso(s.finished_at) } : {}),
        ...(s.error ? { error: s.error } : {}),
        ...(s.failed_phase ? { failedPhase: s.failed_phase } : {}),
        ...(s.ncp ? { ncp: s.ncp } : {}),
      })),
    timeline: events.map((e) => ({
      type: e.event_type,
      occurredAt: iso(e.occurred_at),
      eventId: e.event_id,
      data: e.data,
    })),
    createdAt: iso(r.created_at),
    ...(r.finished_at ? { finishedAt: iso(r.finished_at) } : {}),
  };
}

const iso = (value: Date | string) => new Date(value).toISOString();
