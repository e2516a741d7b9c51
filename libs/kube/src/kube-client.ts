import { Agent, request } from 'undici';
import type { KubeAccess } from '@klepaas/config';
import { KubeApiError, KubeNetworkError } from './kube-errors';
import type { Deployment, Namespace, ObjectList, Pod, RoleBinding, Secret } from './kube-models';

/** Every call is bounded: a hung API server fails the call, never the caller's whole step. */
const CALL_TIMEOUT_MS = 15_000;
/** JSON answers larger than this are refused (a namespace's pod list is far smaller). */
const MAX_JSON_BYTES = 8 * 1024 * 1024;

export interface LogOptions {
  tailLines: number;
  limitBytes: number;
  container?: string;
}

/**
 * The handful of Kubernetes API calls this system makes, over undici with a service-account
 * token (docs/cluster.md says why not @kubernetes/client-node). Paths are built from names the
 * callers checked; every part is still URL-encoded.
 */
export class KubeClient {
  private readonly agent: Agent;

  constructor(private readonly access: KubeAccess) {
    this.agent = new Agent({
      connect: {
        ...(access.caPem ? { ca: access.caPem } : {}),
        rejectUnauthorized: !access.insecureSkipTlsVerify,
      },
      headersTimeout: CALL_TIMEOUT_MS,
      bodyTimeout: CALL_TIMEOUT_MS,
    });
  }

  get server(): string {
    return this.access.server;
  }

  getNamespace(name: string): Promise<Namespace> {
    return this.json('GET', `/api/v1/namespaces/${e(name)}`);
  }

  createNamespace(name: string, labels: Record<string, string>, dryRun = false): Promise<Namespace> {
    return this.json('POST', `/api/v1/namespaces${dry(dryRun)}`, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name, labels },
    });
  }

  /** `uid` (a precondition): delete only the namespace that was read, never one recreated meanwhile. */
  async deleteNamespace(name: string, uid?: string): Promise<void> {
    await this.json('DELETE', `/api/v1/namespaces/${e(name)}`, {
      apiVersion: 'v1',
      kind: 'DeleteOptions',
      ...(uid ? { preconditions: { uid } } : {}),
    });
  }

  createRoleBinding(namespace: string, binding: RoleBinding, dryRun = false): Promise<RoleBinding> {
    return this.json(
      'POST',
      `/apis/rbac.authorization.k8s.io/v1/namespaces/${e(namespace)}/rolebindings${dry(dryRun)}`,
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        ...binding,
      },
    );
  }

  getSecret(namespace: string, name: string): Promise<Secret> {
    return this.json('GET', `/api/v1/namespaces/${e(namespace)}/secrets/${e(name)}`);
  }

  createSecret(namespace: string, secret: Secret, dryRun = false): Promise<Secret> {
    return this.json('POST', `/api/v1/namespaces/${e(namespace)}/secrets${dry(dryRun)}`, {
      apiVersion: 'v1',
      kind: 'Secret',
      ...secret,
    });
  }

  replaceSecret(namespace: string, secret: Secret): Promise<Secret> {
    return this.json('PUT', `/api/v1/namespaces/${e(namespace)}/secrets/${e(secret.metadata.name)}`, {
      apiVersion: 'v1',
      kind: 'Secret',
      ...secret,
    });
  }

  async listDeployments(namespace: string): Promise<Deployment[]> {
    const list = await this.json<ObjectList<Deployment>>('GET', `/apis/apps/v1/namespaces/${e(namespace)}/deployments`);
    return list.items ?? [];
  }

  /** A JSON merge patch (RFC 7386) of one Deployment. */
  patchDeployment(namespace: string, name: string, patch: unknown): Promise<Deployment> {
    return this.json(
      'PATCH',
      `/apis/apps/v1/namespaces/${e(namespace)}/deployments/${e(name)}`,
      patch,
      'application/merge-patch+json',
    );
  }

  async listPods(namespace: string): Promise<Pod[]> {
    const list = await this.json<ObjectList<Pod>>('GET', `/api/v1/namespaces/${e(namespace)}/pods`);
    return list.items ?? [];
  }

  /** The pod's last lines, cut by the API server to `limitBytes`, and read no further than that here. */
  async podLog(namespace: string, pod: string, options: LogOptions): Promise<string> {
    const query = new URLSearchParams({ tailLines: String(options.tailLines), limitBytes: String(options.limitBytes) });
    if (options.container) query.set('container', options.container);
    const path = `/api/v1/namespaces/${e(namespace)}/pods/${e(pod)}/log?${query}`;
    return this.call('GET', path, undefined, undefined, options.limitBytes, 'text/plain');
  }

  close(): Promise<void> {
    return this.agent.close();
  }

  private async json<T>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
    const text = await this.call(method, path, body, contentType, MAX_JSON_BYTES, 'application/json');
    return (text ? JSON.parse(text) : {}) as T;
  }

  private async call(
    method: string,
    path: string,
    body: unknown,
    contentType: string | undefined,
    maxBytes: number,
    accept: string,
  ): Promise<string> {
    let res;
    try {
      res = await request(`${this.access.server}${path}`, {
        method: method as 'GET',
        dispatcher: this.agent,
        headers: {
          authorization: `Bearer ${this.access.token}`,
          accept,
          ...(body !== undefined ? { 'content-type': contentType ?? 'application/json' } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
      });
    } catch (error) {
      throw new KubeNetworkError(
        `the Kubernetes API at ${this.access.server} did not answer: ${(error as Error).message}`,
      );
    }
    const text = await readBounded(res.body, maxBytes);
    if (res.statusCode >= 400) {
      const status = parseStatus(text);
      throw new KubeApiError(
        res.statusCode,
        status?.reason,
        `Kubernetes ${method} ${path.split('?')[0]}: ${res.statusCode} ${(status?.message ?? 'no message').slice(0, 500)}`,
      );
    }
    return text;
  }
}

function e(part: string): string {
  return encodeURIComponent(part);
}

function dry(dryRun: boolean): string {
  return dryRun ? '?dryRun=All' : '';
}

/** Reads at most `maxBytes` (then stops reading: the rest is dropped with the connection). */
async function readBounded(body: AsyncIterable<Buffer> & { destroy(): void }, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const room = maxBytes - size;
    chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
    size += Math.min(chunk.length, room);
    if (size >= maxBytes) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseStatus(text: string): { reason?: string; message?: string } | undefined {
  try {
    const parsed = JSON.parse(text);
    return typeof parsed === 'object' && parsed ? parsed : undefined;
  } catch {
    return undefined;
  }
}
