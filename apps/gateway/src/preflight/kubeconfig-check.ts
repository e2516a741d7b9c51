import type { KlepaasConfig } from '@klepaas/config';
import { KubeApiError, KubeClient, namespaceLabels, PULL_SECRET_NAME } from '@klepaas/kube';
import { CheckResult, fail, ok, reason, skip } from './check-result';

const FIX_ACCESS =
  'check the token and server in KLEPAAS_KUBECONFIG and apply deploy/cluster-access/rbac.yaml to the cluster (docs/cluster.md)';

/**
 * The cluster access through the kubeconfig (docs/cluster.md): the token is accepted and may create
 * a namespace and a secret, both as server-side dry runs (nothing is created). Without a
 * kubeconfig there is nothing to check.
 */
export async function checkKubeconfig(config: KlepaasConfig): Promise<CheckResult> {
  if (!config.kube) return skip('kubeconfig', 'not checked (not configured)');
  const kube = new KubeClient(config.kube);
  try {
    const probe = `klepaas-preflight-${Date.now().toString(36)}`;
    await kube.createNamespace(probe, namespaceLabels('00000000-0000-4000-8000-000000000000'), true);
    // `default` exists on every cluster; the real pull secrets go into each project's namespace.
    await kube.createSecret('default', { metadata: { name: PULL_SECRET_NAME }, type: 'Opaque', data: {} }, true);
    return ok('kubeconfig', `${kube.server}: may create namespaces and pull secrets (dry run)`);
  } catch (error) {
    const status = error instanceof KubeApiError ? error.status : undefined;
    // A pull secret already in `default` means the create was allowed.
    if (status === 409) return ok('kubeconfig', `${kube.server}: may create namespaces and pull secrets (dry run)`);
    const what =
      status === 401
        ? 'the API server refused the token'
        : status === 403
          ? 'the service account may not create namespaces or secrets'
          : reason(error);
    return fail('kubeconfig', `${kube.server}: ${what}`, FIX_ACCESS);
  } finally {
    await kube.close();
  }
}
