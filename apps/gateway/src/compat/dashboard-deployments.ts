import { BadRequestException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { Principal } from '@klepaas/auth';
import { KLEPAAS_CONFIG, KlepaasConfig } from '@klepaas/config';
import { DeploymentView, ProjectView, ReadModel } from '@klepaas/read-model';
import { latestDeploymentShape, rollbackListShape } from './deployment-shapes';
import { NumericIds } from './numeric-ids';

/** How far back the rollback dialog looks (our rollback reaches 100 successful deployments back). */
const ROLLBACK_WINDOW = 100;

/**
 * Deployments as the dashboard's deployments view and rollback dialog read them: from the read
 * model (what GET /projects/{id}/deployments answers), for projects the caller was shown to own.
 */
@Injectable()
export class DashboardDeployments {
  private readonly gitWebUrl: string;

  constructor(
    private readonly readModel: ReadModel,
    private readonly ids: NumericIds,
    @Inject(KLEPAAS_CONFIG) config: KlepaasConfig,
  ) {
    this.gitWebUrl = config.github.gitUrl;
  }

  /** Each project with its newest deployment (null before the first). */
  async latestPerRepository(caller: Principal, projects: ProjectView[]) {
    const newest = await Promise.all(
      projects.map(
        async (p) => (await this.readModel.deployments.listForProject(p.id, caller.userId, 1, null)).items[0],
      ),
    );
    const aliases = await this.ids.aliases(
      'run',
      newest.filter((d): d is DeploymentView => Boolean(d)).map((d) => d.id),
    );
    return projects.map((project, i) => ({
      owner: project.owner,
      repo: project.repo,
      full_name: `${project.owner}/${project.repo}`,
      branch: project.branch,
      auto_deploy_enabled: project.autoDeploy,
      project_id: project.id,
      latest_deployment: newest[i]
        ? latestDeploymentShape(newest[i], aliases.get(newest[i].id)!, project, this.gitWebUrl)
        : null,
    }));
  }

  async rollbackList(caller: Principal, project: ProjectView) {
    return rollbackListShape(await this.recent(caller, project), project);
  }

  /**
   * The full sha of a commit the project deployed successfully, from a prefix of at least 7 hex
   * digits (a full sha passes as it is: our rollback explains when nothing deployed it).
   */
  async fullSha(caller: Principal, project: ProjectView, sha: string): Promise<string> {
    if (sha.length === 40) return sha;
    const matches = new Set(
      (await this.recent(caller, project))
        .filter((d) => d.status === 'succeeded' && d.commitSha?.startsWith(sha))
        .map((d) => d.commitSha!),
    );
    if (matches.size > 1)
      throw new BadRequestException(`target_commit_sha: ${sha} names more than one deployed commit`);
    const [full] = matches;
    if (!full) throw new NotFoundException(`no successful deployment of commit ${sha} to roll back to`);
    return full;
  }

  private async recent(caller: Principal, project: ProjectView): Promise<DeploymentView[]> {
    return (await this.readModel.deployments.listForProject(project.id, caller.userId, ROLLBACK_WINDOW, null)).items;
  }
}
