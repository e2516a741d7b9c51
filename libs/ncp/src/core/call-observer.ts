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

/** Words followed by an id or a name (a repository called `project` is still a name). */
const NAMED_BY_NEXT = new Set(['project', 'repository', 'stage', 'scenario', 'history', 'manifests', 'os', 'tags']);

/**
 * `GET /api/v1/project/:id/history`: the call's method and path with every id and name replaced,
 * so a metric label has a handful of values rather than one per tenant, project or build.
 */
export function operationOf(method: HttpMethod, url: URL): string {
  const parts = url.pathname.split('/').filter(Boolean);
  const segments: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const previous = parts[i - 1];
    const named = previous !== undefined && NAMED_BY_NEXT.has(previous) && segments[i - 1] !== ':id';
    // `repository/id/{id}`: `id` after `repository` is the fixed word.
    const fixedAfterRepository = previous === 'repository' && parts[i] === 'id';
    segments.push(STATIC_SEGMENTS.has(parts[i]) && (!named || fixedAfterRepository) ? parts[i] : ':id');
  }
  // The endpoint's own prefix (a proxy's or the sandbox's base path) is not part of the operation.
  while (segments[0] === ':id' && segments.some((s) => s !== ':id')) segments.shift();
  return `${method} /${segments.join('/')}`;
}
