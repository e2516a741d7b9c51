import { Inject, Injectable } from '@nestjs/common';
import { describeRollout, KUBE_CLIENT, KubeClient, rolloutState } from '@klepaas/kube';

export interface RolloutResult {
  /** Every Deployment in the namespace rolled out: "succeeded" means running. */
  ready: boolean;
  /** What is still missing ("web 0/2 ready, 2/2 updated"), or why it could not be read. */
  detail: string;
}

/**
 * After SourceDeploy applied the manifest, whether the project's Deployments actually rolled out
 * (observed generation current, every desired replica updated and ready). Without a kubeconfig
 * there is nothing to ask: `check` answers null and the deploy counts as done once applied.
 */
@Injectable()
export class RolloutCheck {
  constructor(@Inject(KUBE_CLIENT) private readonly kube: KubeClient | null) {}

  async check(namespace: string | null): Promise<RolloutResult | null> {
    if (!this.kube || !namespace) return null;
    try {
      const states = (await this.kube.listDeployments(namespace)).map(rolloutState);
      return { ready: states.length > 0 && states.every((s) => s.done), detail: describeRollout(states) };
    } catch (error) {
      // A cluster that does not answer is no rollout yet: looked at again until the deadline.
      return { ready: false, detail: `the cluster could not be asked: ${(error as Error).message}` };
    }
  }
}
