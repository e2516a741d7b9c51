import type { DeploymentStatus, DeploymentView, ProjectView } from '@klepaas/read-model';
import { commitShape, DashboardStatus, imageShape, seconds } from './run-shapes';

const DEPLOYMENT_STATUS: Record<DeploymentStatus, DashboardStatus> = {
  deploying: 'running',
  succeeded: 'success',
  failed: 'failed',
  cancelled: 'failed',
};

/** The replicas the project should run: the desired state once anything was asked, else the setting. */
export function desiredReplicas(project: ProjectView): number {
  return project.desired?.replicas ?? project.replicas;
}

/** The deployment that succeeded last (the project view's `currentDeployment`), if any. */
function current(project: ProjectView): Partial<DeploymentView> | null {
  return (project.currentDeployment as Partial<DeploymentView> | undefined) ?? null;
}

/**
 * The deployments view's `latest_deployment`: every nested object present (a missing one blanks
 * the page). `replicas.ready` is what the last successful deploy rolled out, not a count taken on
 * the cluster (we have no access to it yet); `resources` are unknown to us (null).
 */
export function latestDeploymentShape(
  deployment: DeploymentView,
  alias: number,
  project: ProjectView,
  gitWebUrl: string,
) {
  return {
    id: alias,
    run_id: deployment.id,
    status: DEPLOYMENT_STATUS[deployment.status],
    klepaas_status: deployment.status,
    image: imageShape(deployment.image),
    commit: commitShape(project, deployment.commitSha, deployment.commitMessage, deployment.trigger.actor, gitWebUrl),
    cluster: {
      namespace: project.namespace ?? '',
      replicas: { desired: desiredReplicas(project), ready: current(project)?.replicas ?? 0 },
      resources: { cpu: null, memory: null },
    },
    timing: {
      started_at: deployment.startedAt,
      completed_at: deployment.finishedAt ?? null,
      total_duration: seconds(deployment.startedAt, deployment.finishedAt),
    },
    is_rollback: deployment.isRollback,
  };
}

/**
 * The rollback dialog: what runs now, the commits it can go back to (the newest successful
 * deployment of each, newest first; `steps_back` counts those commits), and the rollbacks made.
 */
export function rollbackListShape(deployments: DeploymentView[], project: ProjectView) {
  const succeeded = deployments.filter((d) => d.status === 'succeeded' && d.commitSha);
  const running = current(project);
  const seen = new Set<string>();
  const versions = succeeded.filter((d) => !seen.has(d.commitSha!) && seen.add(d.commitSha!));
  return {
    status: 'success',
    owner: project.owner,
    repo: project.repo,
    pinned: project.rollbackHold ?? false,
    current_state: running?.commitSha
      ? {
          commit_sha: running.commitSha,
          commit_sha_short: running.commitSha.slice(0, 7),
          commit_message: running.commitMessage ?? '',
          deployed_at: running.finishedAt ?? running.startedAt ?? null,
          is_rollback: running.isRollback ?? false,
        }
      : null,
    available_versions: versions.map((d, i) => ({
      steps_back: i,
      commit_sha: d.commitSha!,
      commit_sha_short: d.commitSha!.slice(0, 7),
      commit_message: d.commitMessage ?? '',
      deployed_at: d.finishedAt ?? d.startedAt,
      is_current: d.commitSha === running?.commitSha,
    })),
    rollback_history: deployments
      .filter((d) => d.isRollback)
      .map((d) => ({
        commit_sha: d.commitSha ?? '',
        commit_sha_short: d.commitSha?.slice(0, 7) ?? '',
        commit_message: d.commitMessage ?? '',
        rolled_back_at: d.finishedAt ?? d.startedAt,
        status: DEPLOYMENT_STATUS[d.status],
      })),
  };
}
