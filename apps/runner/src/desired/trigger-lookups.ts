import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { GITHUB_CLIENT, GithubClient } from '@klepaas/github';
import { passesPathFilters, SKIP_CI } from '../policy/push-policy';
import type { RunnerProject } from '../projects/runner-project';
import type { CommitInfo, Lookups, TriggerInput } from './trigger';

const short = (sha: string) => sha.slice(0, 7);

/**
 * Asks GitHub what a trigger needs before it can be decided: the branch head (a push deploys the
 * head GitHub reports, not the push's `after`), the commit a tag or ref names, whether a commit is
 * a merge commit, and, for the reconcile, whether the policy would have let the head deploy.
 * Runs outside any transaction and any message handler; a GitHub failure is thrown to the worker,
 * which tries the trigger again later.
 */
@Injectable()
export class TriggerLookups {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(GITHUB_CLIENT) private readonly github: GithubClient,
  ) {}

  async gather(project: RunnerProject, input: TriggerInput): Promise<Lookups> {
    switch (input.kind) {
      case 'push':
        if (project.settings.mergeOnly && !(await this.isMergeCommit(project, input.commitSha)))
          return { refusal: { rule: 'merge-only', reason: this.notMerged(project, input.commitSha) } };
        return this.head(project, null);
      case 'reconcile':
        return this.reconcile(project);
      case 'release':
        return { commit: await this.commit(project, input.tag) };
      case 'manual': {
        const commit = await this.commit(project, input.commitSha ?? input.ref ?? project.settings.branch);
        return { commit, ...(await this.head(project, null)) };
      }
      case 'unpin':
        return project.settings.autoDeploy ? this.head(project, null) : {};
      default:
        return {};
    }
  }

  /** Merge-only: `sha` is the merge commit of a merged pull request into the project's branch. */
  async isMergeCommit(project: RunnerProject, sha: string): Promise<boolean> {
    const known = await this.dataSource.query(
      `SELECT 1 FROM runner_merges WHERE github_repository_id = $1 AND merge_commit_sha = $2 AND base_ref = $3`,
      [project.githubRepositoryId, sha, project.settings.branch],
    );
    if (known.length) return true;
    const pulls = await this.github.pullRequestsForCommit(project.owner, project.repo, sha, project.installationId);
    return pulls.some((p) => p.mergedAt !== null && p.mergeCommitSha === sha && p.baseRef === project.settings.branch);
  }

  private notMerged(project: RunnerProject, sha: string): string {
    return `${short(sha)} is not the merge commit of a merged pull request into ${project.settings.branch}`;
  }

  private async head(project: RunnerProject, etag: string | null): Promise<Lookups> {
    const { owner, repo, settings, installationId } = project;
    const answer = await this.github.branchHead(owner, repo, settings.branch, installationId, etag);
    if (answer === null) return { head: null };
    if (answer === 'unchanged') return { head: project.branchHead ? { sha: project.branchHead, message: null } : null };
    return { head: { sha: answer.sha, message: answer.message }, etag: answer.etag };
  }

  private async commit(project: RunnerProject, ref: string): Promise<CommitInfo | null> {
    return this.github.resolveCommit(project.owner, project.repo, ref, project.installationId);
  }

  /**
   * A conditional look at the branch (free when unchanged). A head no trigger has seen is judged
   * by the rules a push would have met, so a missed push deploys only what a delivered one would.
   */
  private async reconcile(project: RunnerProject): Promise<Lookups> {
    const found = await this.head(project, project.branchHead ? project.branchEtag : null);
    const head = found.head;
    if (!head || head.sha === project.branchHead) return found;
    const message = head.message ?? '';
    if (SKIP_CI.test(message))
      return { ...found, refusal: { rule: 'skip-ci', reason: `${short(head.sha)} says ${SKIP_CI.exec(message)![0]}` } };
    if (project.settings.mergeOnly && !(await this.isMergeCommit(project, head.sha)))
      return { ...found, refusal: { rule: 'merge-only', reason: this.notMerged(project, head.sha) } };
    const base = project.desired.commitSha ?? project.deployed.commitSha;
    if (project.settings.paths.length && base) {
      const files = await this.github.changedFiles(project.owner, project.repo, base, head.sha, project.installationId);
      if (files && !passesPathFilters(files, project.settings.paths))
        return {
          ...found,
          refusal: { rule: 'paths', reason: `no file changed since ${short(base)} matches the path filters` },
        };
    }
    return found;
  }
}
