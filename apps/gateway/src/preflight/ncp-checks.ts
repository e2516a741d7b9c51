import type { KlepaasConfig } from '@klepaas/config';
import { createNcpClients, NcpApiError, NcpClients, NcpNetworkError } from '@klepaas/ncp';
import { CheckResult, fail, ok, reason } from './check-result';

/** One attempt, short deadlines: the preflight reports, it does not wait out an outage. */
export function preflightNcpClients(config: KlepaasConfig): NcpClients {
  return createNcpClients({
    accessKey: config.ncp.accessKey ?? '',
    secretKey: config.ncp.secretKey ?? '',
    region: config.ncp.region,
    endpoints: config.ncp.endpoints,
    registryUrl: config.ncp.registry.url,
    registryAuthHosts: config.ncp.registry.authHosts,
    http: { retry: { attempts: 1 }, timeouts: { connectMs: 5_000, headersMs: 10_000, bodyMs: 10_000 } },
  });
}

/** The fix for a refused NCP call: wrong keys, a missing policy, or an endpoint out of reach. */
function ncpFix(error: unknown, service: string, endpointVariable: string): string {
  if (error instanceof NcpNetworkError)
    return `check ${endpointVariable} and that this machine may reach it over HTTPS`;
  if (error instanceof NcpApiError && (error.status === 401 || error.status === 403))
    return `check KLEPAAS_NCP_ACCESS_KEY and KLEPAAS_NCP_SECRET_KEY, and that the key's sub-account has a ${service} policy (docs/production.md, step 1)`;
  return `see docs/troubleshooting.md; NCP answered what the client did not expect from ${endpointVariable}`;
}

async function listCall(
  name: string,
  service: string,
  endpointVariable: string,
  call: () => Promise<unknown[]>,
  what: string,
): Promise<CheckResult> {
  try {
    const items = await call();
    return ok(name, `${items.length} ${what} listed`);
  } catch (error) {
    return fail(name, reason(error), ncpFix(error, service, endpointVariable));
  }
}

export function checkSourceCommit(ncp: NcpClients): Promise<CheckResult> {
  return listCall(
    'SourceCommit',
    'SourceCommit',
    'KLEPAAS_NCP_SOURCECOMMIT_ENDPOINT',
    () => ncp.sourceCommit.listRepositories(),
    'repositories',
  );
}

export function checkSourceBuild(ncp: NcpClients): Promise<CheckResult> {
  return listCall(
    'SourceBuild',
    'SourceBuild',
    'KLEPAAS_NCP_SOURCEBUILD_ENDPOINT',
    () => ncp.sourceBuild.listProjects(),
    'build projects',
  );
}

export function checkSourceDeploy(ncp: NcpClients): Promise<CheckResult> {
  return listCall(
    'SourceDeploy',
    'SourceDeploy',
    'KLEPAAS_NCP_SOURCEDEPLOY_ENDPOINT',
    () => ncp.sourceDeploy.listProjects(),
    'deploy projects',
  );
}

/**
 * The NCR registry: SourceBuild must offer it as a push target (the name), and the registry must
 * hand our key pair a token and answer a manifest HEAD (a 404 for a probe image is the good answer).
 */
export async function checkRegistry(config: KlepaasConfig, ncp: NcpClients): Promise<CheckResult> {
  const name = config.ncp.registry.name;
  if (!name || !ncp.registry)
    return fail(
      'NCR registry',
      'no registry configured',
      'set KLEPAAS_NCP_CONTAINER_REGISTRY_URL (e.g. <name>.kr.ncr.ntruss.com; docs/production.md, step 3)',
    );
  try {
    const offered = await ncp.sourceBuild.listRegistries();
    if (!offered.some((r) => r.name === name))
      return fail(
        'NCR registry',
        `SourceBuild offers no registry "${name}" (it offers: ${offered.map((r) => r.name).join(', ') || 'none'})`,
        'create the registry in NCR, or correct KLEPAAS_NCP_CONTAINER_REGISTRY_URL / _NAME (docs/production.md, step 3)',
      );
  } catch (error) {
    return fail('NCR registry', reason(error), ncpFix(error, 'SourceBuild', 'KLEPAAS_NCP_SOURCEBUILD_ENDPOINT'));
  }
  try {
    await ncp.registry.manifestExists('klepaas-preflight/probe', 'preflight');
    return ok('NCR registry', `"${name}" at ${config.ncp.registry.url}: token and manifest HEAD answered`);
  } catch (error) {
    const refused = error instanceof NcpApiError && (error.status === 401 || error.status === 403);
    return fail(
      'NCR registry',
      `${config.ncp.registry.url}: ${reason(error)}`,
      refused
        ? 'the registry refused the NCP key pair: give its sub-account the Container Registry policy (docs/production.md, step 3)'
        : 'check KLEPAAS_NCP_CONTAINER_REGISTRY_URL (the registry host, https) and KLEPAAS_NCP_CONTAINER_REGISTRY_AUTH_HOSTS',
    );
  }
}

/** The NKS cluster, as SourceDeploy sees it: found by its UUID (or number). */
export async function checkCluster(config: KlepaasConfig, ncp: NcpClients): Promise<CheckResult> {
  const { clusterId, clusterNo } = config.ncp.nks;
  if (!clusterId && clusterNo === undefined)
    return fail(
      'NKS cluster',
      'no cluster configured',
      'set KLEPAAS_NCP_NKS_CLUSTER_ID to the cluster UUID (docs/production.md, step 4)',
    );
  try {
    const clusters = await ncp.sourceDeploy.listClusters();
    const found =
      clusterNo !== undefined ? clusters.find((c) => c.id === clusterNo) : clusters.find((c) => c.uuid === clusterId);
    if (found) return ok('NKS cluster', `"${found.name}" (${clusterNo !== undefined ? `no. ${found.id}` : clusterId})`);
    const listed = clusters.map((c) => `${c.name}${c.uuid ? ` ${c.uuid}` : ''} (no. ${c.id})`).join(', ') || 'none';
    if (clusterNo === undefined && !clusters.some((c) => c.uuid))
      return ok('NKS cluster', `${clusterId}: not confirmed (SourceDeploy lists clusters without UUIDs: ${listed})`);
    return fail(
      'NKS cluster',
      `SourceDeploy knows no cluster ${clusterNo !== undefined ? `no. ${clusterNo}` : clusterId} (it knows: ${listed})`,
      'set KLEPAAS_NCP_NKS_CLUSTER_ID to the UUID on the NKS console page of the cluster, in the same region and account as the key (docs/production.md, step 4)',
    );
  } catch (error) {
    return fail('NKS cluster', reason(error), ncpFix(error, 'SourceDeploy', 'KLEPAAS_NCP_SOURCEDEPLOY_ENDPOINT'));
  }
}
