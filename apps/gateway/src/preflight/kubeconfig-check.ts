import type { KlepaasConfig } from '@klepaas/config';
import { KubeApiError, KubeClient, namespaceLabels, projectRoleBinding } from '@klepaas/kube';
import { CheckResult, fail, ok, reason, skip } from './check-result';

const FIX_ACCESS =
  'check the token and server in KLEPAAS_KUBECONFIG, KLEPAAS_KUBE_SERVICE_ACCOUNT, and apply deploy/cluster-access/rbac.yaml to the cluster (docs/cluster.md)';

/** The admission policy of deploy/cluster-access/admission-policy.yaml, named in its refusals. */
const ADMISSION_POLICY = 'klepaas-namespaces-only';

/**
 * The cluster access through the kubeconfig (docs/cluster.md): the token is accepted, may create
 * a namespace, and may bind the per-project role in one (what registration does before anything
 * else in the namespace), both as server-side dry runs (nothing is created). The binding is tried
 * in `default`, which every cluster has: RBAC is checked there as anywhere, and the admission
 * policy, when applied, refuses it there (not a project namespace), which shows it is in place.
 * Without a kubeconfig there is nothing to check.
 */
export async function checkKubeconfig(config: KlepaasConfig): Promise<CheckResult> {
  if (!config.kube) return skip('kubeconfig', 'not checked (not configured)');
  const kube = new KubeClient(config.kube);
  const what = `may create namespaces and bind klepaas-project for ${accountName(config)} (dry run)`;
  try {
    const probe = `klepaas-preflight-${Date.now().toString(36)}`;
    await kube.createNamespace(probe, namespaceLabels('00000000-0000-4000-8000-000000000000'), true);
    const policy = await bindingAllowed(kube, config);
    return ok('kubeconfig', `${kube.server}: ${what}${policy ? '; the admission policy is in place' : ''}`);
  } catch (error) {
    const status = error instanceof KubeApiError ? error.status : undefined;
    const problem =
      status === 401
        ? 'the API server refused the token'
        : status === 403
          ? `the service account may not create namespaces or bind klepaas-project: ${reason(error)}`
          : reason(error);
    return fail('kubeconfig', `${kube.server}: ${problem}`, FIX_ACCESS);
  } finally {
    await kube.close();
  }
}

/** True when the admission policy refused the binding (RBAC allowed it); throws when RBAC did not. */
async function bindingAllowed(kube: KubeClient, config: KlepaasConfig): Promise<boolean> {
  try {
    await kube.createRoleBinding('default', projectRoleBinding(config.kubeServiceAccount), true);
    return false;
  } catch (error) {
    if (!(error instanceof KubeApiError)) throw error;
    // A klepaas-project binding already in `default`: the create was authorized.
    if (error.status === 409) return false;
    if ((error.status === 403 || error.status === 422) && error.message.includes(ADMISSION_POLICY)) return true;
    throw error;
  }
}

function accountName(config: KlepaasConfig): string {
  return `${config.kubeServiceAccount.namespace}:${config.kubeServiceAccount.name}`;
}
