import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { Principal } from '@klepaas/auth';
import { KLEPAAS_CONFIG, KlepaasConfig } from '@klepaas/config';
import type { ProjectView, RunView } from '@klepaas/read-model';
import { ProjectViews } from '../projects/project-views';
import { RunViews } from '../runs/run-views';
import { NumericIds } from './numeric-ids';
import { pipelineShape, PipelineShape } from './run-shapes';

/** Projects read at once when a list spans all of the caller's (each is a few queries). */
const CONCURRENCY = 8;

/**
 * Runs as the dashboard's pipelines and deployment histories: read through RunViews (what
 * GET /projects/{id}/runs and GET /runs/{id} answer), shaped, and given their numeric alias.
 */
@Injectable()
export class DashboardPipelines {
  private readonly gitWebUrl: string;

  constructor(
    private readonly runs: RunViews,
    private readonly projects: ProjectViews,
    private readonly ids: NumericIds,
    @Inject(KLEPAAS_CONFIG) config: KlepaasConfig,
  ) {
    this.gitWebUrl = config.github.gitUrl;
  }

  /** The newest `count` runs of these projects together, newest first. */
  async newest(caller: Principal, projects: ProjectView[], count: number): Promise<PipelineShape[]> {
    const found: Array<{ run: RunView; project: ProjectView }> = [];
    for (let i = 0; i < projects.length; i += CONCURRENCY) {
      const pages = await Promise.all(
        projects.slice(i, i + CONCURRENCY).map(async (project) => {
          const page = await this.runs.list(project.id, caller.userId, count, null);
          return page.items.map((run) => ({ run, project }));
        }),
      );
      found.push(...pages.flat());
    }
    const newest = found
      .sort((a, b) => b.run.createdAt.localeCompare(a.run.createdAt) || b.run.id.localeCompare(a.run.id))
      .slice(0, count);
    const aliases = await this.ids.aliases(
      'run',
      newest.map((f) => f.run.id),
    );
    return newest.map(({ run, project }) => pipelineShape(run, aliases.get(run.id)!, project, this.gitWebUrl));
  }

  /** One run by its alias; another user's (or no run at all) is a 404. */
  async one(caller: Principal, alias: number): Promise<PipelineShape> {
    const runId = await this.ids.uuidOf('run', alias);
    const run = runId ? await this.runs.find(runId, caller.userId) : null;
    const project = run ? await this.projects.find(run.projectId, caller.userId) : null;
    if (!run || !project) throw new NotFoundException(`deployment ${alias} not found`);
    return pipelineShape(run, alias, project, this.gitWebUrl);
  }
}
