import { Injectable } from '@nestjs/common';
import { Sequence } from '../common/ids';
import { ResetHooks } from '../common/reset-hooks';

export const DEPLOYMENT_STATES = [
  'error',
  'failure',
  'inactive',
  'in_progress',
  'queued',
  'pending',
  'success',
] as const;
export type DeploymentState = (typeof DEPLOYMENT_STATES)[number];

export interface GhDeploymentStatus {
  id: number;
  state: DeploymentState;
  description: string;
  environment: string;
  targetUrl: string;
  logUrl: string;
  environmentUrl: string;
  createdAt: string;
}

export interface GhDeployment {
  id: number;
  repoId: number;
  sha: string;
  ref: string;
  task: string;
  payload: unknown;
  environment: string;
  originalEnvironment: string;
  description: string | null;
  transient: boolean;
  production: boolean;
  createdAt: string;
  updatedAt: string;
  statuses: GhDeploymentStatus[];
}

/** GitHub Deployments and their statuses, per repository. */
@Injectable()
export class GithubDeployments {
  private readonly deployments = new Map<number, GhDeployment>();
  private readonly ids = new Sequence(900001);
  private readonly statusIds = new Sequence(1000001);

  constructor(resetHooks: ResetHooks) {
    resetHooks.register(() => {
      this.deployments.clear();
      this.ids.reset();
      this.statusIds.reset();
    });
  }

  create(input: Omit<GhDeployment, 'id' | 'createdAt' | 'updatedAt' | 'statuses'>): GhDeployment {
    const now = new Date().toISOString();
    const deployment: GhDeployment = { ...input, id: this.ids.take(), createdAt: now, updatedAt: now, statuses: [] };
    this.deployments.set(deployment.id, deployment);
    return deployment;
  }

  /** Every repository's deployments, oldest first. */
  all(): GhDeployment[] {
    return [...this.deployments.values()].sort((a, b) => a.id - b.id);
  }

  /** A repository's deployments, newest first. */
  list(repoId: number): GhDeployment[] {
    return [...this.deployments.values()].filter((d) => d.repoId === repoId).sort((a, b) => b.id - a.id);
  }

  find(repoId: number, id: number): GhDeployment | undefined {
    const deployment = this.deployments.get(id);
    return deployment?.repoId === repoId ? deployment : undefined;
  }

  /**
   * Adds a status. With auto_inactive (GitHub's default), a success marks earlier
   * non-transient, non-production deployments of the same environment whose last state was
   * success as inactive.
   */
  addStatus(
    deployment: GhDeployment,
    input: Omit<GhDeploymentStatus, 'id' | 'createdAt'>,
    autoInactive: boolean,
  ): GhDeploymentStatus {
    const status = this.push(deployment, input);
    if (input.state === 'success' && autoInactive) {
      for (const earlier of this.list(deployment.repoId)) {
        const last = earlier.statuses.at(-1);
        if (
          earlier.id < deployment.id &&
          earlier.environment === deployment.environment &&
          !earlier.transient &&
          !earlier.production &&
          last?.state === 'success'
        )
          this.push(earlier, { ...last, state: 'inactive', description: `superseded by deployment ${deployment.id}` });
      }
    }
    return status;
  }

  private push(deployment: GhDeployment, input: Omit<GhDeploymentStatus, 'id' | 'createdAt'>): GhDeploymentStatus {
    const status: GhDeploymentStatus = { ...input, id: this.statusIds.take(), createdAt: new Date().toISOString() };
    deployment.statuses.push(status);
    deployment.updatedAt = status.createdAt;
    return status;
  }
}
