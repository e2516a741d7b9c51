import { NcpHttp, type NcpHttpOptions } from './core/http';
import { NCP_DEFAULT_ENDPOINTS, type NcpEndpoints } from './endpoints';
import { NcrManagementClient } from './ncr/ncr-management.client';
import { NcrRegistryClient } from './ncr/ncr-registry.client';
import { SourceBuildClient } from './sourcebuild/sourcebuild.client';
import { SourceCommitClient } from './sourcecommit/sourcecommit.client';
import { SourceDeployClient } from './sourcedeploy/sourcedeploy.client';
import { SourcePipelineClient } from './sourcepipeline/sourcepipeline.client';

export interface NcpClientsOptions {
  accessKey: string;
  secretKey: string;
  region?: string;
  /** Any subset; the rest default to NCP_DEFAULT_ENDPOINTS. */
  endpoints?: Partial<NcpEndpoints>;
  /** NCR registry host or URL; without it `registry` is undefined. */
  registryUrl?: string;
  /** Hosts besides the registry's own its token realm may name (the NCP keys go there). */
  registryAuthHosts?: string[];
  /** A transport to share, or options for the one made here. */
  http?: NcpHttp | NcpHttpOptions;
}

export interface NcpClients {
  http: NcpHttp;
  sourceCommit: SourceCommitClient;
  sourceBuild: SourceBuildClient;
  sourceDeploy: SourceDeployClient;
  sourcePipeline: SourcePipelineClient;
  ncr: NcrManagementClient;
  registry?: NcrRegistryClient;
  /** Closes the pooled sockets, when the transport was made here. */
  close(): Promise<void>;
}

/** Every NCP client over one pooled transport and one key pair. */
export function createNcpClients(options: NcpClientsOptions): NcpClients {
  const shared = options.http instanceof NcpHttp;
  const http = options.http instanceof NcpHttp ? options.http : new NcpHttp(options.http);
  const endpoints: NcpEndpoints = { ...NCP_DEFAULT_ENDPOINTS };
  for (const [key, value] of Object.entries(options.endpoints ?? {}))
    if (value) endpoints[key as keyof NcpEndpoints] = value;
  const base = { accessKey: options.accessKey, secretKey: options.secretKey, region: options.region, http };
  return {
    http,
    sourceCommit: new SourceCommitClient({ ...base, endpoint: endpoints.sourceCommit }),
    sourceBuild: new SourceBuildClient({ ...base, endpoint: endpoints.sourceBuild }),
    sourceDeploy: new SourceDeployClient({ ...base, endpoint: endpoints.sourceDeploy }),
    sourcePipeline: new SourcePipelineClient({ ...base, endpoint: endpoints.sourcePipeline }),
    ncr: new NcrManagementClient({ ...base, endpoint: endpoints.containerRegistryApi }),
    registry: options.registryUrl
      ? new NcrRegistryClient({
          registryUrl: options.registryUrl,
          accessKey: options.accessKey,
          secretKey: options.secretKey,
          authHosts: options.registryAuthHosts,
          http,
        })
      : undefined,
    close: async () => {
      if (!shared) await http.close();
    },
  };
}
