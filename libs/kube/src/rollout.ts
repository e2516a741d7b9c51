import type { Deployment } from './kube-models';

export interface RolloutState {
  name: string;
  desired: number;
  ready: number;
  updated: number;
  /** The controller has seen the newest spec, and every desired replica is updated and ready. */
  done: boolean;
}

/**
 * Whether a Deployment finished rolling out, the way `kubectl rollout status` decides it: the
 * controller observed the current generation, and the updated, ready and total replicas all equal
 * the desired count (no old pod left).
 */
export function rolloutState(deployment: Deployment): RolloutState {
  const desired = deployment.spec?.replicas ?? 1;
  const status = deployment.status ?? {};
  const observed = (status.observedGeneration ?? 0) >= (deployment.metadata.generation ?? 0);
  const ready = status.readyReplicas ?? 0;
  const updated = status.updatedReplicas ?? 0;
  const total = status.replicas ?? 0;
  return {
    name: deployment.metadata.name,
    desired,
    ready,
    updated,
    done: observed && updated === desired && ready === desired && total === desired,
  };
}

/** "web 0/2 ready, 1/2 updated" for each Deployment not done. */
export function describeRollout(states: RolloutState[]): string {
  const pending = states.filter((s) => !s.done);
  if (states.length === 0) return 'no Deployment in the namespace';
  if (pending.length === 0) return 'every Deployment is rolled out';
  return pending.map((s) => `${s.name} ${s.ready}/${s.desired} ready, ${s.updated}/${s.desired} updated`).join('; ');
}
