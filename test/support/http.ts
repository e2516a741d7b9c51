import { request } from 'undici';
import { GithubIdentity, mintToken } from '@klepaas/auth';
import { SANDBOX_DEFAULTS } from '../../apps/sandbox/src/config/sandbox-options';
import { TEST_SECRETS } from './services';

/**
 * The sandbox's development user, whom its GitHub stand-in reports as admin of every repository
 * unless a test sets that repository's collaborators (docs/sandbox.md).
 */
export const SANDBOX_DEVELOPER: GithubIdentity = {
  id: SANDBOX_DEFAULTS.githubDeveloperId,
  login: SANDBOX_DEFAULTS.githubDeveloperLogin,
};

/**
 * A bearer token as the K-Le-PaaS login issues it (iss and aud `klepaas`, an hour to live). It
 * names the sandbox's development user as the caller's GitHub account unless told otherwise
 * (`null`: a token with no GitHub identity).
 */
export function tokenFor(
  userId: string,
  roles: string[] = [],
  github: GithubIdentity | null = SANDBOX_DEVELOPER,
): string {
  return mintToken(TEST_SECRETS.jwt, { userId, roles, ...(github ? { github } : {}) });
}

export async function getJson(url: string, token?: string): Promise<{ status: number; body: any }> {
  const res = await request(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const text = await res.body.text();
  return { status: res.statusCode, body: text ? JSON.parse(text) : null };
}

export async function postJson(url: string, body: unknown, token?: string): Promise<{ status: number; body: any }> {
  const res = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body ?? {}),
  });
  const text = await res.body.text();
  return { status: res.statusCode, body: text ? JSON.parse(text) : null };
}

export async function sendJson(
  method: 'PATCH' | 'DELETE' | 'PUT',
  url: string,
  body: unknown,
  token?: string,
): Promise<{ status: number; body: any }> {
  const res = await request(url, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.body.text();
  return { status: res.statusCode, body: text ? JSON.parse(text) : null };
}
