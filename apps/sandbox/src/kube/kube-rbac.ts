import { KubeError } from './kube-error';

/**
 * Just enough of the API server's RBAC for the services' calls to be refused where the real
 * cluster would refuse them (docs/sandbox.md): the sandbox's one token is the service account of
 * deploy/cluster-access/rbac.yaml, which holds namespaces cluster-wide and, in a namespace, only
 * what a RoleBinding to `klepaas-project` grants it.
 */
export const SANDBOX_SERVICE_ACCOUNT = { namespace: 'klepaas-system', name: 'klepaas' };
export const PROJECT_ROLE = 'klepaas-project';

export const SANDBOX_USER = `system:serviceaccount:${SANDBOX_SERVICE_ACCOUNT.namespace}:${SANDBOX_SERVICE_ACCOUNT.name}`;

interface Rule {
  apiGroup: string;
  resource: string;
  verbs: string[];
  resourceNames?: string[];
}

/** The rules of the ClusterRole `klepaas-project` (rbac.yaml; kube-rbac.spec.ts holds them equal). */
export const PROJECT_ROLE_RULES: Rule[] = [
  { apiGroup: '', resource: 'secrets', verbs: ['create'] },
  { apiGroup: '', resource: 'secrets', verbs: ['get', 'update'], resourceNames: ['ncp-cr'] },
  { apiGroup: 'apps', resource: 'deployments', verbs: ['list', 'patch'] },
  { apiGroup: '', resource: 'pods', verbs: ['list'] },
  { apiGroup: '', resource: 'pods/log', verbs: ['get'] },
];

export interface StoredRoleBinding {
  namespace: string;
  name: string;
  roleRef: { apiGroup: string; kind: string; name: string };
  subjects: { kind: string; name: string; namespace?: string }[];
  labels: Record<string, string>;
}

/** Whether a binding grants the per-project role to the sandbox's service account. */
export function grantsProjectRole(binding: StoredRoleBinding): boolean {
  return (
    binding.roleRef.kind === 'ClusterRole' &&
    binding.roleRef.name === PROJECT_ROLE &&
    binding.subjects.some(
      (s) =>
        s.kind === 'ServiceAccount' &&
        s.name === SANDBOX_SERVICE_ACCOUNT.name &&
        s.namespace === SANDBOX_SERVICE_ACCOUNT.namespace,
    )
  );
}

/** The request is allowed by the per-project role, when the namespace has it bound. */
export function projectRoleAllows(
  bound: boolean,
  verb: string,
  apiGroup: string,
  resource: string,
  name?: string,
): boolean {
  if (!bound) return false;
  return PROJECT_ROLE_RULES.some(
    (r) =>
      r.apiGroup === apiGroup &&
      r.resource === resource &&
      r.verbs.includes(verb) &&
      (!r.resourceNames || (name !== undefined && r.resourceNames.includes(name))),
  );
}

/** The API server's 403, worded as it words it. */
export function forbidden(verb: string, apiGroup: string, resource: string, namespace: string, name?: string) {
  const [plain, sub] = resource.split('/');
  const what = `${plain}${apiGroup ? `.${apiGroup}` : ''}${name ? ` "${name}"` : ''}`;
  return new KubeError(
    403,
    'Forbidden',
    `${what} is forbidden: User "${SANDBOX_USER}" cannot ${verb} resource "${plain}"` +
      `${sub ? ` (subresource "${sub}")` : ''} in API group "${apiGroup}" in the namespace "${namespace}"`,
  );
}
