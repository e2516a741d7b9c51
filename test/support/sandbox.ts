import { request } from 'undici';
import { RunningSandbox, startSandbox } from '../../apps/sandbox/src/start-sandbox';
import type { SandboxOptions } from '../../apps/sandbox/src/config/sandbox-options';

export type { RunningSandbox };

/** The sandbox in-process on a free port, with short builds and deploys unless told otherwise. */
export function startTestSandbox(options: Partial<SandboxOptions> = {}): Promise<RunningSandbox> {
  return startSandbox({ port: 0, buildMs: 300, deployMs: 300, ...options });
}

/** Environment pointing a service at this sandbox with its credentials (as `npm start` does). */
export function sandboxEnv(sandbox: RunningSandbox): Record<string, string> {
  const o = sandbox.options;
  return {
    KLEPAAS_SANDBOX: 'true',
    KLEPAAS_SANDBOX_URL: sandbox.url,
    KLEPAAS_NCP_ACCESS_KEY: o.ncpAccessKey,
    KLEPAAS_NCP_SECRET_KEY: o.ncpSecretKey,
    KLEPAAS_NCP_SOURCECOMMIT_USERNAME: o.sourceCommitUsername,
    KLEPAAS_NCP_SOURCECOMMIT_PASSWORD: o.sourceCommitPassword,
    KLEPAAS_NCP_CONTAINER_REGISTRY_NAME: o.registryName,
    KLEPAAS_NCP_NKS_CLUSTER_ID: o.nksClusterUuid,
    KLEPAAS_GITHUB_APP_ID: String(o.githubAppId),
    KLEPAAS_GITHUB_APP_PRIVATE_KEY: o.githubAppPrivateKey,
  };
}

async function call(sandbox: RunningSandbox, method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown) {
  const res = await request(`${sandbox.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.body.text();
  if (res.statusCode >= 400) throw new Error(`sandbox ${method} ${path}: ${res.statusCode} ${text}`);
  return text ? JSON.parse(text) : null;
}

export interface SandboxRepository {
  id: number;
  owner: string;
  name: string;
  fullName: string;
  installationId: number | null;
  cloneUrl: string;
}

/** A "GitHub" repository; covered by a new installation of the App unless `installed` is false. */
export async function createGithubRepository(
  sandbox: RunningSandbox,
  owner: string,
  name: string,
  options: { installed?: boolean; installationId?: number; defaultBranch?: string } = {},
): Promise<SandboxRepository> {
  let installationId = options.installationId;
  if (installationId === undefined && options.installed !== false) {
    installationId = (await call(sandbox, 'POST', '/_sandbox/github/installations', { account: owner })).id;
  }
  return call(sandbox, 'POST', '/_sandbox/github/repos', {
    owner,
    name,
    ...(installationId ? { installationId } : {}),
    ...(options.defaultBranch ? { defaultBranch: options.defaultBranch } : {}),
  });
}

/** A GitHub user the sandbox knows (with no access to anything not granted); its id goes into tokens. */
export async function createGithubUser(sandbox: RunningSandbox, login: string): Promise<{ id: number; login: string }> {
  return call(sandbox, 'POST', '/_sandbox/github/users', { login });
}

/** What GitHub's collaborator API will say of `login` on owner/name from now on. */
export async function grantGithubPermission(
  sandbox: RunningSandbox,
  repo: { owner: string; name: string },
  login: string,
  permission: 'admin' | 'write' | 'read' | 'none',
): Promise<void> {
  await call(sandbox, 'PUT', `/_sandbox/github/repos/${repo.owner}/${repo.name}/collaborators/${login}`, {
    permission,
  });
}

export function addFault(sandbox: RunningSandbox, rule: Record<string, unknown>): Promise<{ id: string }> {
  return call(sandbox, 'POST', '/_sandbox/faults', rule);
}

export function clearFaults(sandbox: RunningSandbox): Promise<unknown> {
  return call(sandbox, 'DELETE', '/_sandbox/faults');
}

export function sandboxGet(sandbox: RunningSandbox, path: string): Promise<any> {
  return call(sandbox, 'GET', path);
}

export function sandboxPost(sandbox: RunningSandbox, path: string, body: unknown): Promise<any> {
  return call(sandbox, 'POST', path, body);
}

const { sandboxKubeconfig } = require('../../scripts/sandbox-env') as {
  sandboxKubeconfig: (sandboxUrl: string, token?: string) => string;
};

/** KLEPAAS_KUBECONFIG for this sandbox's Kubernetes API emulation, as `npm start` gives it. */
export function sandboxKubeEnv(sandbox: RunningSandbox): Record<string, string> {
  return { KLEPAAS_KUBECONFIG: sandboxKubeconfig(sandbox.url, sandbox.options.kubeToken) };
}

/** Makes a namespace's Deployments never become ready (ready: true undoes it). */
export async function setNeverReady(sandbox: RunningSandbox, namespace: string, never: boolean): Promise<void> {
  await call(sandbox, never ? 'PUT' : 'DELETE', `/_sandbox/kube/never-ready/${namespace}`);
}
