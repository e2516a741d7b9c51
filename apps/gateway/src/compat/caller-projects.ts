import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import type { Principal } from '@klepaas/auth';
import type { ProjectView } from '@klepaas/read-model';
import { ProjectViews } from '../projects/project-views';

/** The dashboard names repositories, not projects; it lists them all at once (no paging). */
const PAGE = 100;
const MAX_PROJECTS = 1000;

/**
 * The caller's projects as the dashboard addresses them: all of them, or one by GitHub name or
 * by namespace. Read through ProjectViews (what GET /projects answers), so another user's
 * project is a missing one here too. Projects being deleted are no longer connected.
 */
@Injectable()
export class CallerProjects {
  constructor(private readonly views: ProjectViews) {}

  async all(caller: Principal): Promise<ProjectView[]> {
    const projects: ProjectView[] = [];
    let cursor: string | null = null;
    do {
      const page = await this.views.list(caller.userId, PAGE, cursor);
      projects.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor && projects.length < MAX_PROJECTS);
    return projects.filter((p) => p.status !== 'deleting' && p.status !== 'deleted');
  }

  /** GitHub names are case-insensitive. */
  async byName(caller: Principal, owner: string, repo: string): Promise<ProjectView> {
    const wanted = `${owner}/${repo}`.toLowerCase();
    const project = (await this.all(caller)).find((p) => `${p.owner}/${p.repo}`.toLowerCase() === wanted);
    if (!project) throw new NotFoundException(`repository ${owner}/${repo} is not connected`);
    return project;
  }

  /** `owner/repo`, as the dashboard's `repository` query names one. */
  byFullName(caller: Principal, fullName: string): Promise<ProjectView> {
    const parts = fullName.split('/');
    if (parts.length !== 2 || !parts[0] || !parts[1]) throw new BadRequestException('repository: must be "owner/repo"');
    return this.byName(caller, parts[0], parts[1]);
  }

  async byNamespace(caller: Principal, namespace: string): Promise<ProjectView> {
    const project = (await this.all(caller)).find((p) => p.namespace === namespace);
    if (!project) throw new NotFoundException(`no connected repository deploys into namespace ${namespace}`);
    return project;
  }
}
