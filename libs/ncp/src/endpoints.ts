/**
 * Default NCP API bases, public KR region (docs/ncp.md, api §2). SourceDeploy and SourcePipeline
 * default to their VPC hosts: the stages target NKS, and SourcePipeline's SourceDeploy tasks are
 * VPC-only (docs/ncp.md, api §6.2). Each is overridable (docs/configuration.md `KLEPAAS_NCP_*_ENDPOINT`), with a
 * path prefix if need be; the DevTools clients append `/api/v1` themselves.
 */
export const NCP_DEFAULT_ENDPOINTS = {
  sourceCommit: 'https://sourcecommit.apigw.ntruss.com',
  sourceBuild: 'https://sourcebuild.apigw.ntruss.com',
  sourceDeploy: 'https://vpcsourcedeploy.apigw.ntruss.com',
  sourcePipeline: 'https://vpcsourcepipeline.apigw.ntruss.com',
  /** NCR management API v2, full base (its paths already start under `/ncr/api/v2`). */
  containerRegistryApi: 'https://ncr.apigw.ntruss.com/ncr/api/v2',
} as const;

export type NcpEndpoints = { -readonly [K in keyof typeof NCP_DEFAULT_ENDPOINTS]: string };

/** The path every DevTools REST API lives under (docs/ncp.md, api §0). */
export const DEVTOOLS_API_PREFIX = '/api/v1';
