import type { EntityManager } from 'typeorm';
import { decodeCursor, encodeCursor, Page } from './cursor';
import type { RunTriggerView } from './runs';

export type DeploymentStatus = 'deploying' | 'succeeded' | 'failed' | 'cancelled';

/** A deployment as dashboards read it (docs/api.md, "Shapes"); its id is its run's id. */
export interface DeploymentView {
  id: string;
  runId: string;
  commitSha: string | null;
  commitMessage?: string;
  image: string;
  replicas: number;
  status: DeploymentStatus;
  trigger: RunTriggerView;
  isRollback: boolean;
  /** For a rollback: the deployment whose image was deployed again. */
  rollbackFrom?: string;
  startedAt: string;
  finishedAt?: string;
}

/** Read-only queries over deployments (history writes `rm_deployments`), for the owner of the project only. */
export class DeploymentQueries {
  constructor(private readonly manager: EntityManager) {}

  /** Deployments of one project of this owner, newest first (empty for another owner's project). */
  async listForProject(
    projectId: string,
    ownerId: string,
    limit: number,
    cursor: string | null,
  ): Promise<Page<DeploymentView>> {
    const after = cursor ? decodeCursor(cursor) : null;
    const rows = await this.manager.query(
      `SELECT d.*, d.started_at::text AS started_exact FROM rm_deployments d JOIN rm_projects p ON p.id = d.project_id
        WHERE d.project_id = $1 AND p.owner_id = $2
          AND ($3::timestamptz IS NULL OR (d.started_at, d.id) < ($3::timestamptz, $4::uuid))
        ORDER BY d.started_at DESC, d.id DESC LIMIT $5`,
      [projectId, ownerId, after?.at ?? null, after?.id ?? '00000000-0000-0000-0000-000000000000', limit + 1],
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toDeploymentView),
      nextCursor: rows.length > limit && last ? encodeCursor(last.started_exact, last.id) : null,
    };
  }
}

export function toDeploymentView(r: Record<string, any>): DeploymentView {
  return {
    id: r.id,
    runId: r.run_id,
    commitSha: r.commit_sha ?? null,
    ...(r.commit_message ? { commitMessage: r.commit_message } : {}),
    image: r.image,
    replicas: r.replicas,
    status: r.status,
    trigger: r.trigger,
    isRollback: r.is_rollback,
    ...(r.rollback_from ? { rollbackFrom: r.rollback_from } : {}),
    startedAt: new Date(r.started_at).toISOString(),
    ...(r.finished_at ? { finishedAt: new Date(r.finished_at).toISOString() } : {}),
  };
}
