import { z } from 'zod';
import type { GithubHttp } from './http';
import { parseBody } from './parse';
import { apiPath } from './paths';
import type { InstallationGrant } from './token-cache';

/** The installation of our App that covers a repository. */
export interface RepositoryInstallation {
  installationId: number;
  /** The login of the account (user or organization) the App is installed on. */
  account: string;
}

// An enterprise-wide installation has no account; we then report an empty login.
const installationSchema = z.object({
  id: z.number().int(),
  account: z.object({ login: z.string() }).nullish(),
});

const accessTokenSchema = z.object({
  token: z.string().min(1),
  expires_at: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'is not a date'),
});

/** GET /repos/{owner}/{repo}/installation, authenticated as the App (its JWT). */
export async function getRepositoryInstallation(
  http: GithubHttp,
  appJwt: string,
  owner: string,
  repo: string,
): Promise<RepositoryInstallation> {
  const path = apiPath('GET', '/repos/{owner}/{repo}/installation', { owner, repo });
  const body = parseBody(installationSchema, await http.send({ method: 'GET', path, token: appJwt }));
  return { installationId: body.id, account: body.account?.login ?? '' };
}

/**
 * POST /app/installations/{id}/access_tokens: a token for every repository of the installation,
 * with the App's permissions. Creating a second token is harmless, so this POST is retried like a GET.
 */
export async function createInstallationToken(
  http: GithubHttp,
  appJwt: string,
  installationId: number,
): Promise<InstallationGrant> {
  const path = apiPath('POST', '/app/installations/{id}/access_tokens', { id: installationId });
  const response = await http.send({ method: 'POST', path, token: appJwt, idempotent: true });
  const body = parseBody(accessTokenSchema, response);
  return { token: body.token, expiresAt: Date.parse(body.expires_at) };
}

/** The App as GitHub knows it (GET /app). */
export interface GithubAppInfo {
  id: number;
  slug: string;
  name: string;
  permissions: Record<string, string>;
  events: string[];
}

const appSchema = z.object({
  id: z.number().int(),
  slug: z.string().default(''),
  name: z.string().default(''),
  permissions: z.record(z.string(), z.string()).default({}),
  events: z.array(z.string()).default([]),
});

/** GET /app with the App JWT: proves the App id and the private key belong together. */
export async function getApp(http: GithubHttp, appJwt: string): Promise<GithubAppInfo> {
  return parseBody(appSchema, await http.send({ method: 'GET', path: '/app', token: appJwt }));
}

/** GET /app/installations (first page of 100): how many accounts installed the App. */
export async function countInstallations(http: GithubHttp, appJwt: string): Promise<number> {
  const response = await http.send({ method: 'GET', path: '/app/installations?per_page=100', token: appJwt });
  return parseBody(z.array(z.object({ id: z.number().int() })), response).length;
}
