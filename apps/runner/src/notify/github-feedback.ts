import { Inject, Injectable } from '@nestjs/common';
import { GITHUB_CLIENT, GithubClient } from '@klepaas/github';
import { pausePoint } from '@klepaas/observability';
import type { RunnerProject } from '../projects/runner-project';
import type { Run } from '../runs/run';
import type { Notification } from './notification';
import { NotificationStore } from './notification-store';

/** The environment of every Deployment (projects have one environment, `production`). */
export const ENVIRONMENT = 'production';
export const COMMIT_STATUS_CONTEXT = 'klepaas/deploy';

/**
 * A run on GitHub: one Deployment of its commit (payload with the run id) with a status per
 * moment (queued, in_progress, then success, failure or inactive), and the `klepaas/deploy`
 * commit status beside it. GitHub has no idempotency key, so:
 * - the Deployment's id is kept (`run_github_deployments`) and every later status goes to it;
 * - a create whose answer may have been lost (any earlier attempt of the row, or a later moment
 *   finding no id kept) first looks for a Deployment of the sha and environment whose payload
 *   names the run, and adopts it;
 * - a status tried before is not sent again when the Deployment's newest state already is it.
 * A commit status repeated is harmless: GitHub shows the newest per context.
 * Every call is preceded by `beforeCall`, which renews the row's lease and throws when another
 * runner has taken the row, so a runner that lost it makes no further call.
 */
@Injectable()
export class GithubFeedback {
  constructor(
    @Inject(GITHUB_CLIENT) private readonly github: GithubClient,
    private readonly store: NotificationStore,
  ) {}

  async send(
    n: Notification,
    run: Run,
    project: RunnerProject,
    runUrl: string,
    beforeCall: () => Promise<void>,
  ): Promise<void> {
    const sha = run.commitSha!;
    const { owner, repo, installationId } = project;
    const deploymentId = await this.deployment(n, run, project, beforeCall);
    const state =
      n.kind === 'queued' ? 'queued' : n.kind === 'started' ? 'in_progress' : (n.payload.deploymentState ?? 'error');
    const description = this.describe(n, run);
    if (!(await this.alreadyShows(n, project, deploymentId, state, beforeCall))) {
      await beforeCall();
      await this.github.createDeploymentStatus(owner, repo, installationId, deploymentId, {
        state,
        description,
        logUrl: runUrl,
      });
    }
    await beforeCall();
    await this.github.createCommitStatus(owner, repo, installationId, sha, {
      state: n.kind === 'ended' ? (n.payload.commitState ?? 'error') : 'pending',
      context: COMMIT_STATUS_CONTEXT,
      description,
      targetUrl: runUrl,
    });
  }

  /** A retried row: whether the Deployment's newest state already is the one to send. */
  private async alreadyShows(
    n: Notification,
    project: RunnerProject,
    deploymentId: number,
    state: string,
    beforeCall: () => Promise<void>,
  ): Promise<boolean> {
    if (n.attempts <= 1) return false;
    await beforeCall();
    const states = await this.github.listDeploymentStates(
      project.owner,
      project.repo,
      project.installationId,
      deploymentId,
    );
    return states[0] === state;
  }

  private async deployment(
    n: Notification,
    run: Run,
    project: RunnerProject,
    beforeCall: () => Promise<void>,
  ): Promise<number> {
    const kept = await this.store.deploymentOf(run.id);
    if (kept !== null) return kept;
    const { owner, repo, installationId } = project;
    const sha = run.commitSha!;
    if (n.attempts > 1 || n.kind !== 'queued') {
      await beforeCall();
      const earlier = await this.github.listDeployments(owner, repo, installationId, { sha, environment: ENVIRONMENT });
      const ours = earlier.find((d) => (d.payload as { klepaasRunId?: unknown } | null)?.klepaasRunId === run.id);
      if (ours) return this.store.keepDeployment(run.id, ours.id);
    }
    await beforeCall();
    const created = await this.github.createDeployment(owner, repo, installationId, {
      ref: sha,
      environment: ENVIRONMENT,
      description: `K-Le-PaaS run ${run.id} (${run.triggerType})`,
      payload: { klepaasRunId: run.id, klepaasProjectId: run.projectId },
      transientEnvironment: false,
      productionEnvironment: true,
    });
    // Tests stop the runner here (sandbox mode): GitHub made the Deployment, its id is kept nowhere yet.
    pausePoint('after-github-deployment-create');
    return this.store.keepDeployment(run.id, created.id);
  }

  private describe(n: Notification, run: Run): string {
    const sha7 = run.commitSha!.slice(0, 7);
    if (n.kind === 'queued') return `queued (${run.triggerType}${run.actor ? ` by ${run.actor}` : ''})`;
    if (n.kind === 'started') return `deploying ${sha7}`;
    return n.payload.description ?? 'ended';
  }
}
