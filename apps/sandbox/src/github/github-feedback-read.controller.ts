import { Controller, Get, Query } from '@nestjs/common';
import { GithubCommitStatuses } from './github-commit-statuses.store';
import { GithubDeployments } from './github-deployments.store';
import { GithubStore } from './github.store';

/**
 * Sandbox-only: what the GitHub stand-in received as feedback (Deployments with their statuses,
 * commit statuses), for tests and the demo. `?repo=owner/name` narrows to one repository.
 */
@Controller('_sandbox/github')
export class GithubFeedbackReadController {
  constructor(
    private readonly store: GithubStore,
    private readonly deployments: GithubDeployments,
    private readonly statuses: GithubCommitStatuses,
  ) {}

  /** Oldest first, each with its statuses oldest first. */
  @Get('deployments')
  listDeployments(@Query('repo') repo?: string) {
    const repoId = this.repoId(repo);
    return {
      deployments: this.deployments
        .all()
        .filter((d) => repoId === undefined || d.repoId === repoId)
        .map((d) => ({
          id: d.id,
          repository: this.fullName(d.repoId),
          sha: d.sha,
          ref: d.ref,
          environment: d.environment,
          payload: d.payload,
          transient: d.transient,
          production: d.production,
          createdAt: d.createdAt,
          statuses: d.statuses.map((s) => ({
            state: s.state,
            description: s.description,
            logUrl: s.logUrl,
            environmentUrl: s.environmentUrl,
            createdAt: s.createdAt,
          })),
        })),
    };
  }

  /** Commit statuses, oldest first. */
  @Get('statuses')
  listStatuses(@Query('repo') repo?: string) {
    const repoId = this.repoId(repo);
    return {
      statuses: this.statuses.list(repoId).map((s) => ({
        repository: this.fullName(s.repoId),
        sha: s.sha,
        state: s.state,
        context: s.context,
        description: s.description,
        targetUrl: s.targetUrl,
        createdAt: s.createdAt,
      })),
    };
  }

  private fullName(repoId: number): string | null {
    const repo = this.store.listRepositories().find((r) => r.id === repoId);
    return repo ? `${repo.owner.login}/${repo.name}` : null;
  }

  /** -1 (matches nothing) for an unknown repository. */
  private repoId(fullName?: string): number | undefined {
    if (!fullName) return undefined;
    const [owner, name] = fullName.split('/');
    return this.store.repository(owner ?? '', name ?? '')?.id ?? -1;
  }
}
