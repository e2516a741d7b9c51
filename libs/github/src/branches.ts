import { z } from 'zod';
import type { GithubHttp } from './http';
import { parseBody } from './parse';
import { apiPath } from './paths';

/** A branch head as GitHub reported it, with the ETag to ask again conditionally. */
export type BranchHead = { sha: string; message: string; etag: string | null } | 'unchanged';

/**
 * GET /repos/{owner}/{repo}/commits/{branch}, conditional when an ETag is given: 'unchanged' when
 * GitHub answers 304 (which costs no rate limit), the head commit otherwise.
 */
export async function branchHead(
  http: GithubHttp,
  token: string,
  owner: string,
  repo: string,
  branch: string,
  etag: string | null,
): Promise<BranchHead> {
  const path = apiPath('GET', '/repos/{owner}/{repo}/commits/{ref}', { owner, repo, ref: branch });
  const response = await http.send({ method: 'GET', path, token, ...(etag ? { ifNoneMatch: etag } : {}) });
  if (response.status === 304) return 'unchanged';
  const body = parseBody(z.object({ sha: z.string(), commit: z.object({ message: z.string() }).optional() }), response);
  return { sha: body.sha, message: body.commit?.message ?? '', etag: response.etag ?? null };
}

/** At most this many files are read from a comparison; GitHub lists 300 per page. */
const COMPARE_FILES = 300;

/**
 * GET /repos/{owner}/{repo}/compare/{base}...{head}: the files changed between two commits (the
 * first page, up to 300), for path filters when no push delivery listed them.
 */
export async function changedFiles(
  http: GithubHttp,
  token: string,
  owner: string,
  repo: string,
  base: string,
  head: string,
): Promise<string[]> {
  const path = apiPath('GET', '/repos/{owner}/{repo}/compare/{range}', { owner, repo, range: `${base}...${head}` });
  const response = await http.send({ method: 'GET', path: `${path}?per_page=${COMPARE_FILES}`, token });
  const body = parseBody(z.object({ files: z.array(z.object({ filename: z.string() })).optional() }), response);
  return (body.files ?? []).map((f) => f.filename);
}
