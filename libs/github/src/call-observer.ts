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

/** How many owner, name, id or ref segments follow each word (a repository called `app` is still a name). */
const NAMES_AFTER: Record<string, number> = {
  repos: 2,
  users: 1,
  orgs: 1,
  installations: 1,
  collaborators: 1,
  commits: 1,
  branches: 1,
  pulls: 1,
  deployments: 1,
  statuses: 1,
  hooks: 1,
  heads: 1,
  tags: 1,
  trees: 1,
  blobs: 1,
  compare: 1,
  contents: Infinity,
};

/** `GET /repos/:x/:x/commits/:x`: method and path (query dropped) with every variable part replaced. */
export function githubOperationOf(method: string, path: string): string {
  const parts = path.split('?')[0].split('/').filter(Boolean);
  const segments: string[] = [];
  let names = 0;
  for (const part of parts) {
    if (names > 0) {
      segments.push(':x');
      names--;
      continue;
    }
    const fixed = STATIC_SEGMENTS.has(part);
    segments.push(fixed ? part : ':x');
    if (fixed) names = NAMES_AFTER[part] ?? 0;
  }
  return `${method} /${segments.join('/')}`;
}
