import type { Namespace, RoleBinding } from './kube-models';

/** The label every namespace this system created carries, and the project it belongs to. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_VALUE = 'klepaas';
export const PROJECT_ID_LABEL = 'klepaas.io/project-id';

/** The NCR pull secret each project namespace holds (the manifests name it in imagePullSecrets). */
export const PULL_SECRET_NAME = 'ncp-cr';

/**
 * The ClusterRole holding the per-project verbs (secrets, Deployments, pods), bound in each project
 * namespace by a RoleBinding of the same name (deploy/cluster-access/rbac.yaml, docs/cluster.md).
 */
export const PROJECT_ROLE_NAME = 'klepaas-project';

/** The RoleBinding granting `account` the per-project role in the namespace it is created in. */
export function projectRoleBinding(account: { namespace: string; name: string }): RoleBinding {
  return {
    metadata: { name: PROJECT_ROLE_NAME, labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE } },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: PROJECT_ROLE_NAME },
    subjects: [{ kind: 'ServiceAccount', name: account.name, namespace: account.namespace }],
  };
}

export function namespaceLabels(projectId: string): Record<string, string> {
  return { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE, [PROJECT_ID_LABEL]: projectId };
}

/** Ours for this project: both labels say so. Anything else is never changed or deleted. */
export function isOurNamespace(namespace: Namespace, projectId: string): boolean {
  const labels = namespace.metadata.labels ?? {};
  return labels[MANAGED_BY_LABEL] === MANAGED_BY_VALUE && labels[PROJECT_ID_LABEL] === projectId;
}
