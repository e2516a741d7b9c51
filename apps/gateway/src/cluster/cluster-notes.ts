import { NO_KUBECONFIG, PULL_SECRET_NAME } from '@klepaas/kube';
import type { ProjectView } from '@klepaas/read-model';

/** What the project view says of the cluster side: managed here, or what the operator must create. */
export interface ClusterNote {
  managed: boolean;
  reason?: string;
  operatorMustCreate?: string[];
}

/**
 * Without a kubeconfig nobody creates the project's namespace or its pull secret, and the deploy
 * would fail pulling the image: the view says what to create by hand (docs/cluster.md).
 */
export function clusterNote(enabled: boolean, project: Pick<ProjectView, 'id' | 'namespace'>): ClusterNote {
  if (enabled) return { managed: true };
  const namespace = project.namespace ?? "the project's namespace (shown as `namespace` once provisioned)";
  return {
    managed: false,
    reason: NO_KUBECONFIG,
    operatorMustCreate: [
      `namespace ${namespace}, labelled app.kubernetes.io/managed-by=klepaas and klepaas.io/project-id=${project.id}`,
      `secret ${PULL_SECRET_NAME} in it, of type kubernetes.io/dockerconfigjson, with a pull credential for the container registry`,
    ],
  };
}
