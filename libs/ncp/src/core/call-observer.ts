import type { HttpMethod } from './http';

/** One NCP call as it ended (after its retries): what metrics count. `status` 0 means no HTTP answer. */
export interface NcpCallObservation {
  service: string;
  operation: string;
  status: number;
  attempts: number;
  durationMs: number;
}

export type NcpCallObserver = (observation: NcpCallObservation) => void;

/** The fixed words of NCP's API paths; any other segment is an id or a tenant's name. */
const STATIC_SEGMENTS = new Set([
  'api',
  'v1',
  'v2',
  'build',
  'cancel',
  'compute',
  'containerregistry',
  'deploy',
  'docker',
  'env',
  'history',
  'id',
  'kubernetes',
  'manifests',
  'ncr',
  'os',
  'project',
  'registry',
  'repositories',
  'repository',
  'runtime',
  'scenario',
  'stage',
  'tags',
  'version',
]);

/**
 * `GET /project/:id/history`: the call's method and path with every id and name replaced, so a
 * metric label has a handful of values rather than one per tenant, project or build.
 */
export function operationOf(method: HttpMethod, url: URL): string {
  const segments = url.pathname
    .split('/')
    .filter(Boolean)
    .map((s) => (STATIC_SEGMENTS.has(s) ? s : ':id'));
  // The endpoint's own prefix (a proxy's or the sandbox's base path) is not part of the operation.
  while (segments[0] === ':id' && segments.some((s) => s !== ':id')) segments.shift();
  return `${method} /${segments.join('/')}`;
}
