import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EMPTY_NCP_IDS, Page, ProjectView, ReadModel } from '@klepaas/read-model';
import { ProjectSlackDestinations } from './project-slack-destinations';
import { RepositoryClaim, RepositoryClaims } from './repository-claims';
import { RepositoryTakeovers } from './repository-takeovers';

/**
 * Projects as their owner sees them: from history's read model, or, while the read model has not
 * caught up with a registration, from the gateway's own claim (decision 1: a GET right after the
 * 202 shows `provisioning`, never 404). Another user's project is indistinguishable from none, and
 * so is a project a GitHub admin of its repository took over from its owner.
 */
@Injectable()
export class ProjectViews {
  private readonly claims = new RepositoryClaims();
  private readonly takeovers = new RepositoryTakeovers();

  constructor(
    private readonly dataSource: DataSource,
    private readonly readModel: ReadModel,
    private readonly slack: ProjectSlackDestinations,
  ) {}

  async find(projectId: string, ownerId: string): Promise<ProjectView | null> {
    const view = await this.readModel.projects.findForOwner(projectId, ownerId);
    if (view) {
      if (await this.takenFrom(projectId, ownerId)) return null;
      // Only masked: the webhook's secret part never leaves the database.
      const slackWebhookUrl = await this.slack.masked(this.dataSource.manager, projectId);
      return slackWebhookUrl ? { ...view, slackWebhookUrl } : view;
    }
    const claim = await this.claims.findByProject(this.dataSource.manager, projectId);
    return claim && claim.ownerId === ownerId && !claim.released ? provisioningView(claim) : null;
  }

  /** Whether the project was taken over from this owner (it is then no longer theirs). */
  takenFrom(projectId: string, ownerId: string): Promise<boolean> {
    return this.takeovers.takenFrom(this.dataSource.manager, projectId, ownerId);
  }

  /** Newest first; registrations the read model has not seen yet lead the first page. */
  async list(ownerId: string, limit: number, cursor: string | null): Promise<Page<ProjectView>> {
    const page = await this.readModel.projects.listForOwner(ownerId, limit, cursor);
    if (cursor) return page;
    const pending = (await this.claims.pendingForOwner(this.dataSource.manager, ownerId)).map(provisioningView);
    return { ...page, items: [...pending, ...page.items] };
  }
}

export function provisioningView(claim: RepositoryClaim): ProjectView {
  return {
    id: claim.projectId,
    owner: claim.owner,
    repo: claim.repo,
    githubRepositoryId: claim.githubRepositoryId,
    ...claim.settings,
    status: 'provisioning',
    ...(claim.installationId !== null ? { installationId: claim.installationId } : {}),
    namespace: null,
    ncp: { ...EMPTY_NCP_IDS },
    createdAt: claim.claimedAt,
    updatedAt: claim.claimedAt,
  };
}
