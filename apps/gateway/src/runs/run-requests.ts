import type { EntityManager } from 'typeorm';
import type { RunTrigger } from '@klepaas/contracts';

export type RunCommand = 'deploy' | 'rollback' | 'scale' | 'retry';

export interface RunRequest {
  runId: string;
  projectId: string;
  ownerId: string;
  command: RunCommand;
  triggerType: RunTrigger['type'];
  commitSha: string | null;
  ref: string | null;
  replicas: number | null;
  retryOf: string | null;
  requestedAt: string;
}

/**
 * `run_requests` (the gateway's own table): the run commands it accepted, written in the same
 * transaction as the command event, so the run can be shown `queued` before history has it
 * (decision 1: never a 404 right after the 202).
 */
export class RunRequests {
  async record(manager: EntityManager, request: Omit<RunRequest, 'requestedAt'>): Promise<void> {
    await manager.query(
      `INSERT INTO run_requests (run_id, project_id, owner_id, command, trigger_type, commit_sha, ref, replicas, retry_of)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        request.runId,
        request.projectId,
        request.ownerId,
        request.command,
        request.triggerType,
        request.commitSha,
        request.ref,
        request.replicas,
        request.retryOf,
      ],
    );
  }

  async find(manager: EntityManager, runId: string): Promise<RunRequest | null> {
    const rows = await manager.query(`SELECT * FROM run_requests WHERE run_id = $1`, [runId]);
    return rows.length ? toRequest(rows[0]) : null;
  }

  /** The newest requests for a project, newest first. */
  async latestForProject(manager: EntityManager, projectId: string, limit: number): Promise<RunRequest[]> {
    const rows = await manager.query(
      `SELECT * FROM run_requests WHERE project_id = $1 ORDER BY requested_at DESC LIMIT $2`,
      [projectId, limit],
    );
    return rows.map(toRequest);
  }
}

function toRequest(r: Record<string, any>): RunRequest {
  return {
    runId: r.run_id,
    projectId: r.project_id,
    ownerId: r.owner_id,
    command: r.command,
    triggerType: r.trigger_type,
    commitSha: r.commit_sha,
    ref: r.ref,
    replicas: r.replicas,
    retryOf: r.retry_of,
    requestedAt: new Date(r.requested_at).toISOString(),
  };
}
