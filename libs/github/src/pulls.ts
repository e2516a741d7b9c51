import { z } from 'zod';
import type { GithubHttp } from './http';
import { parseBody } from './parse';
import { apiPath } from './paths';

/** A pull request as the merge-only rule reads it. */
export interface GithubPullRequest {
  number: number;
  /** `open` or `closed` (a merged pull request is closed; `mergedAt` tells them apart). */
  state: string;
  mergedAt: string | null;
  mergeCommitSha: string | null;
  baseRef: string;
  headRef: string;
  /** Empty when GitHub reports none (a head repository deleted since). */
  headSha: string;
}

const pullSchema = z.object({
  number: z.number().int(),
  state: z.string(),
  merged_at: z.string().nullish(),
  merge_commit_sha: z.string().nullish(),
  base: z.object({ ref: z.string() }),
  head: z.object({ ref: z.string(), sha: z.string().nullish() }),
});

/** One page is plenty: a commit belongs to a handful of pull requests, not a hundred. */
const PER_PAGE = 100;

/**
 * GET /repos/{owner}/{repo}/commits/{sha}/pulls: the pull requests whose merge commit or head is
 * `sha`. The merge-only rule asks this when the push arrives before the `pull_request` event.
 */
export async function pullRequestsForCommit(
  http: GithubHttp,
  token: string,
  owner: string,
  repo: string,
  sha: string,
): Promise<GithubPullRequest[]> {
  const path = apiPath('GET', '/repos/{owner}/{repo}/commits/{sha}/pulls', { owner, repo, sha });
  const response = await http.send({ method: 'GET', path: `${path}?per_page=${PER_PAGE}`, token });
  return parseBody(z.array(pullSchema), response).map((p) => ({
    number: p.number,
    state: p.state,
    mergedAt: p.merged_at ?? null,
    mergeCommitSha: p.merge_commit_sha ?? null,
    baseRef: p.base.ref,
    headRef: p.head.ref,
    headSha: p.head.sha ?? '',
  }));
}
