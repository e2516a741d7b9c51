import { z } from 'zod';
import type { GithubHttp } from './http';
import { parseBody } from './parse';
import { apiPath } from './paths';

/** The repository fields the services use; `id` is the key (names change, ids do not). */
export interface GithubRepository {
  id: number;
  name: string;
  /** `owner/name` as GitHub spells it now. */
  fullName: string;
  owner: string;
  defaultBranch: string;
  private: boolean;
  cloneUrl: string;
}

const repositorySchema = z.object({
  id: z.number().int(),
  name: z.string(),
  full_name: z.string(),
  owner: z.object({ login: z.string() }),
  default_branch: z.string(),
  private: z.boolean(),
  clone_url: z.string(),
});

/** GET /repos/{owner}/{repo}. GitHub answers 404 as well for a repository the token cannot see. */
export async function getRepository(
  http: GithubHttp,
  token: string,
  owner: string,
  repo: string,
): Promise<GithubRepository> {
  const path = apiPath('GET', '/repos/{owner}/{repo}', { owner, repo });
  const body = parseBody(repositorySchema, await http.send({ method: 'GET', path, token }));
  return {
    id: body.id,
    name: body.name,
    fullName: body.full_name,
    owner: body.owner.login,
    defaultBranch: body.default_branch,
    private: body.private,
    cloneUrl: body.clone_url,
  };
}
