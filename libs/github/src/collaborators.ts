import { z } from 'zod';
import type { GithubHttp } from './http';
import { parseBody } from './parse';
import { apiPath } from './paths';

/** GitHub's coarse permission of a user on a repository (maintain reads as write, triage as read). */
export type RepositoryPermission = 'admin' | 'write' | 'read' | 'none';

export interface CollaboratorPermission {
  permission: RepositoryPermission;
  /** The account GitHub answered for: compare its id, since logins can be renamed and reused. */
  user: { id: number; login: string };
}

const permissionSchema = z.object({
  permission: z.enum(['admin', 'write', 'read', 'none']),
  user: z.object({ id: z.number().int(), login: z.string() }),
});

/** GET /repos/{owner}/{repo}/collaborators/{username}/permission. 404: no such user (or repository). */
export async function getCollaboratorPermission(
  http: GithubHttp,
  token: string,
  owner: string,
  repo: string,
  username: string,
): Promise<CollaboratorPermission> {
  const path = apiPath('GET', '/repos/{owner}/{repo}/collaborators/{username}/permission', { owner, repo, username });
  const body = parseBody(permissionSchema, await http.send({ method: 'GET', path, token }));
  return { permission: body.permission, user: { id: body.user.id, login: body.user.login } };
}
