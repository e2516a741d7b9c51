import { z } from 'zod';
import type { GithubHttp } from './http';
import { parseBody } from './parse';
import { apiPath } from './paths';

export type GithubDeploymentState = 'queued' | 'in_progress' | 'success' | 'failure' | 'error' | 'inactive';

export interface CreateDeploymentInput {
  ref: string;
  environment: string;
  description?: string;
  payload?: Record<string, unknown>;
  transientEnvironment?: boolean;
  productionEnvironment?: boolean;
}

export interface CreateDeploymentStatusInput {
  state: GithubDeploymentState;
  description?: string;
  logUrl?: string;
  environmentUrl?: string;
}

/** GitHub refuses (422) a status description longer than this. */
const MAX_DESCRIPTION = 140;

const deploymentSchema = z.object({ id: z.number().int() });

/**
 * POST /repos/{owner}/{repo}/deployments. `auto_merge: false`: GitHub would otherwise merge the
 * default branch into `ref` first, and we deploy exactly the commit that was built.
 * `required_contexts: []`: the build already ran in NCP; GitHub's commit statuses must not block
 * the record. Not retried after it may have reached GitHub: a second deployment would show twice.
 */
export async function createDeployment(
  http: GithubHttp,
  token: string,
  owner: string,
  repo: string,
  input: CreateDeploymentInput,
): Promise<{ id: number }> {
  const path = apiPath('POST', '/repos/{owner}/{repo}/deployments', { owner, repo });
  const body = {
    ref: input.ref,
    environment: input.environment,
    auto_merge: false,
    required_contexts: [],
    ...(input.description === undefined ? {} : { description: input.description }),
    ...(input.payload === undefined ? {} : { payload: input.payload }),
    ...(input.transientEnvironment === undefined ? {} : { transient_environment: input.transientEnvironment }),
    ...(input.productionEnvironment === undefined ? {} : { production_environment: input.productionEnvironment }),
  };
  const { id } = parseBody(deploymentSchema, await http.send({ method: 'POST', path, token, body }));
  return { id };
}

/**
 * POST /repos/{owner}/{repo}/deployments/{id}/statuses. `log_url` is the current name of what was
 * `target_url`. A long description is shortened rather than refused: it is a summary for people.
 */
export async function createDeploymentStatus(
  http: GithubHttp,
  token: string,
  owner: string,
  repo: string,
  deploymentId: number,
  input: CreateDeploymentStatusInput,
): Promise<void> {
  const path = apiPath('POST', '/repos/{owner}/{repo}/deployments/{id}/statuses', { owner, repo, id: deploymentId });
  const body = {
    state: input.state,
    ...(input.description === undefined ? {} : { description: shorten(input.description) }),
    ...(input.logUrl === undefined ? {} : { log_url: input.logUrl }),
    ...(input.environmentUrl === undefined ? {} : { environment_url: input.environmentUrl }),
  };
  await http.send({ method: 'POST', path, token, body });
}

/** Cut on a character boundary; GitHub counts UTF-16 units, as `length` does. */
function shorten(text: string): string {
  if (text.length <= MAX_DESCRIPTION) return text;
  let out = '';
  for (const char of text) {
    if (out.length + char.length > MAX_DESCRIPTION - 1) break;
    out += char;
  }
  return `${out}…`;
}

export type GithubCommitState = 'pending' | 'success' | 'failure' | 'error';

export interface CreateCommitStatusInput {
  state: GithubCommitState;
  context: string;
  description?: string;
  targetUrl?: string;
}

const listedDeployment = z.object({ id: z.number().int(), payload: z.unknown().optional() });
const listedStatus = z.object({ state: z.string() });

/**
 * GET /repos/{owner}/{repo}/deployments?sha=&environment= (newest first, first 100): how a
 * caller finds the deployment a create whose answer was lost made (GitHub has no idempotency key).
 */
export async function listDeployments(
  http: GithubHttp,
  token: string,
  owner: string,
  repo: string,
  filter: { sha: string; environment: string },
): Promise<Array<{ id: number; payload: unknown }>> {
  const path = apiPath('GET', '/repos/{owner}/{repo}/deployments', { owner, repo });
  const query = new URLSearchParams({ sha: filter.sha, environment: filter.environment, per_page: '100' });
  const rows = parseBody(
    z.array(listedDeployment),
    await http.send({ method: 'GET', path: `${path}?${query}`, token }),
  );
  return rows.map((d) => ({ id: d.id, payload: typeof d.payload === 'string' ? safeJson(d.payload) : d.payload }));
}

/** GET /repos/{owner}/{repo}/deployments/{id}/statuses: the states so far, newest first. */
export async function listDeploymentStates(
  http: GithubHttp,
  token: string,
  owner: string,
  repo: string,
  deploymentId: number,
): Promise<string[]> {
  const path = apiPath('GET', '/repos/{owner}/{repo}/deployments/{id}/statuses', { owner, repo, id: deploymentId });
  const answer = await http.send({ method: 'GET', path: `${path}?per_page=100`, token });
  return parseBody(z.array(listedStatus), answer).map((s) => s.state);
}

/**
 * POST /repos/{owner}/{repo}/statuses/{sha}. GitHub keeps the newest status per context, so
 * sending the same one twice changes nothing anyone sees.
 */
export async function createCommitStatus(
  http: GithubHttp,
  token: string,
  owner: string,
  repo: string,
  sha: string,
  input: CreateCommitStatusInput,
): Promise<void> {
  const path = apiPath('POST', '/repos/{owner}/{repo}/statuses/{sha}', { owner, repo, sha });
  const body = {
    state: input.state,
    context: input.context,
    ...(input.description === undefined ? {} : { description: shorten(input.description) }),
    ...(input.targetUrl === undefined ? {} : { target_url: input.targetUrl }),
  };
  await http.send({ method: 'POST', path, token, body, idempotent: true });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
