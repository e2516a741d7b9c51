import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { GITHUB_CLIENT, GithubClient } from '@klepaas/github';
import type { RunnerProject } from '../projects/runner-project';

/**
 * Merge-only: the push's `after` must be the merge commit of a merged pull request into the
 * project's branch, known from the `pull_request` event, or asked of GitHub ("pull requests for a
 * commit") when that event has not arrived yet.
 */
@Injectable()
export class MergeCheck {
  constructor(@Inject(GITHUB_CLIENT) private readonly github: GithubClient) {}

  async isMergeCommit(manager: EntityManager, project: RunnerProject, sha: string): Promise<boolean> {
    const known = await manager.query(
      `SELECT 1 FROM runner_merges WHERE github_repository_id = $1 AND merge_commit_sha = $2`,
      [project.githubRepositoryId, sha],
    );
    if (known.length) return true;
    const pulls = await this.github.pullRequestsForCommit(project.owner, project.repo, sha, project.installationId);
    return pulls.some((p) => p.mergedAt !== null && p.mergeCommitSha === sha && p.baseRef === project.settings.branch);
  }
}
