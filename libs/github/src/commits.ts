import { z } from 'zod';
import type { GithubHttp } from './http';
import { parseBody } from './parse';
import { apiPath } from './paths';

/**
 * GET /repos/{owner}/{repo}/commits/{ref}: the commit a branch, tag or sha names. A release
 * names a tag and a manual deploy may name a branch; a run deploys one exact commit.
 */
export async function resolveCommit(
  http: GithubHttp,
  token: string,
  owner: string,
  repo: string,
  ref: string,
): Promise<{ sha: string; message: string }> {
  const path = apiPath('GET', '/repos/{owner}/{repo}/commits/{ref}', { owner, repo, ref });
  const response = await http.send({ method: 'GET', path, token });
  const body = parseBody(z.object({ sha: z.string(), commit: z.object({ message: z.string() }).optional() }), response);
  return { sha: body.sha, message: body.commit?.message ?? '' };
}
