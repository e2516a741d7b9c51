import type { CreateScenarioRequest, CreateStageRequest, DeployStrategy } from './sourcedeploy.models';

/**
 * Which NKS cluster a stage targets: by UUID (Go SDK, Terraform: the default) or by number (the
 * API docs' `clusterNo`). Which one the live API takes is unconfirmed (docs/ncp.md, api §5.2, 10).
 */
export type NksClusterRef = { clusterUuid: string; clusterNo?: never } | { clusterNo: number; clusterUuid?: never };

/** A `KubernetesService` stage with exactly the cluster field the caller chose. */
export function kubernetesStage(name: string, cluster: NksClusterRef): CreateStageRequest {
  if (cluster.clusterUuid !== undefined && cluster.clusterNo !== undefined) {
    throw new Error('a KubernetesService stage takes clusterUuid or clusterNo, not both');
  }
  if (cluster.clusterUuid !== undefined) {
    if (!cluster.clusterUuid) throw new Error('clusterUuid is empty');
    return { name, type: 'KubernetesService', config: { clusterUuid: cluster.clusterUuid } };
  }
  if (!Number.isInteger(cluster.clusterNo)) throw new Error('clusterNo must be an integer');
  return { name, type: 'KubernetesService', config: { clusterNo: cluster.clusterNo } };
}

export interface KubernetesScenarioSpec {
  name: string;
  description?: string;
  /** SourceCommit repository NAME holding the manifests. */
  repository: string;
  branch: string;
  /** Manifest file paths in that repository, e.g. `['k8s/deployment.yaml']`. */
  paths: string[];
  /** Default `rolling`; which strategies NKS stages accept is unconfirmed (docs/ncp.md 10). */
  strategy?: DeployStrategy;
  rollback?: boolean;
}

/** The scenario body shape known to be accepted (docs/ncp.md, api §5.3, seed vs reality 11). */
export function kubernetesScenario(spec: KubernetesScenarioSpec): CreateScenarioRequest {
  if (spec.paths.length === 0) throw new Error('a Kubernetes scenario needs at least one manifest path');
  return {
    name: spec.name,
    ...(spec.description === undefined ? {} : { description: spec.description }),
    config: {
      strategy: spec.strategy ?? 'rolling',
      manifest: { type: 'SourceCommit', repository: spec.repository, branch: spec.branch, path: [...spec.paths] },
      rollback: spec.rollback ?? false,
    },
  };
}
