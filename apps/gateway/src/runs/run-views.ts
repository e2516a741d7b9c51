import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Page, ReadModel, RunView } from '@klepaas/read-model';
import { RepositoryTakeovers } from '../projects/repository-takeovers';
import { RunRequest, RunRequests } from './run-requests';

/** How many of a project's latest commands are checked for runs history has not recorded yet. */
const PENDING_WINDOW = 20;

/**
 * Runs as their project's owner sees them: from history's read model or, while it has not caught
 * up with a command, from the gateway's own record of it (`queued`). Another user's run is
 * indistinguishable from none.
 */
@Injectable()
export class RunViews {
  private readonly requests = new RunRequests();
  private readonly takeovers = new RepositoryTakeovers();

  constructor(
    private readonly dataSource: DataSource,
    private readonly readModel: ReadModel,
  ) {}

  async find(runId: string, ownerId: string): Promise<RunView | null> {
    const view = await this.readModel.runs.findForOwner(runId, ownerId);
    // A project taken over by a GitHub admin of its repository takes its runs with it.
    if (view) return (await this.takeovers.takenFrom(this.dataSource.manager, view.projectId, ownerId)) ? null : view;
    const request = await this.requests.find(this.dataSource.manager, runId);
    return request && request.ownerId === ownerId ? queuedView(request) : null;
  }

  /** Newest first; commands the read model has not seen yet lead the first page. */
  async list(projectId: string, ownerId: string, limit: number, cursor: string | null): Promise<Page<RunView>> {
    const page = await this.readModel.runs.listForProject(projectId, ownerId, limit, cursor);
    if (cursor) return page;
    const requests = (await this.requests.latestForProject(this.dataSource.manager, projectId, PENDING_WINDOW)).filter(
      (r) => r.ownerId === ownerId,
    );
    const known = await this.readModel.runs.known(requests.map((r) => r.runId));
    const pending = requests.filter((r) => !known.has(r.runId)).map(queuedView);
    return { ...page, items: [...pending, ...page.items] };
  }
}

export function queuedView(request: RunRequest): RunView {
  return {
    id: request.runId,
    projectId: request.projectId,
    status: 'queued',
    trigger: {
      type: request.triggerType,
      commitSha: request.commitSha,
      ...(request.ref ? { ref: request.ref } : {}),
    },
    ...(request.replicas !== null ? { replicas: request.replicas } : {}),
    ...(request.retryOf ? { retryOf: request.retryOf } : {}),
    steps: (['mirror', 'build', 'deploy'] as const).map((name) => ({ name, status: 'pending' as const })),
    timeline: [],
    createdAt: request.requestedAt,
  };
}
