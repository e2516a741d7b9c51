/** One HTTP answer from GitHub (each attempt counts against the rate limit): what metrics count. */
export interface GithubCallObservation {
  operation: string;
  /** HTTP status, or 0 when no answer came. */
  status: number;
  /** `x-ratelimit-remaining` and `x-ratelimit-resource` when GitHub sent them. */
  rateLimitRemaining?: number;
  rateLimitResource?: string;
}

export type GithubCallObserver = (observation: GithubCallObservation) => void;

/** The fixed words of the REST paths we call; any other segment is an owner, a name, an id or a ref. */
const STATIC_SEGMENTS = new Set([
  'access_tokens',
  'app',
  'blobs',
  'branches',
  'check-runs',
  'collaborators',
  'commits',
  'compare',
  'contents',
  'deployments',
  'git',
  'heads',
  'hooks',
  'installation',
  'installations',
  'merge',
  'orgs',
  'permission',
  'pulls',
  'refs',
  'repos',
  'repositories',
  'status',
  'statuses',
  'tags',
  'trees',
  'user',
  'users',
]);

/** `GET /repos/:x/:x/commits/:x`: method and path (query dropped) with every variable part replaced. */
export function githubOperationOf(method: string, path: string): string {
  const segments = path
    .split('?')[0]
    .split('/')
    .filter(Boolean)
    .map((s) => (STATIC_SEGMENTS.has(s) ? s : ':x'));
  return `${method} /${segments.join('/')}`;
}
