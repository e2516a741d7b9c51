import type { Namespace } from './kube-models';

/** The label every namespace this system created carries, and the project it belongs to. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_VALUE = 'klepaas';
export const PROJECT_ID_LABEL = 'klepaas.io/project-id';

/** The NCR pull secret each project namespace holds (the manifests name it in imagePullSecrets). */
export const PULL_SECRET_NAME = 'ncp-cr';

export function namespaceLabels(projectId: string): Record<string, string> {
  return { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE, [PROJECT_ID_LABEL]: projectId };
}

/** Ours for this project: both labels say so. Anything else is never changed or deleted. */
export function isOurNamespace(namespace: Namespace, projectId: string): boolean {
  const labels = namespace.metadata.labels ?? {};
  return labels[MANAGED_BY_LABEL] === MANAGED_BY_VALUE && labels[PROJECT_ID_LABEL] === projectId;
}
