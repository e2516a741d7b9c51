import { parseAllDocuments } from 'yaml';

export interface K8sObject {
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string;
  body: Record<string, unknown>;
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const MAX_BYTES = 1024 * 1024;

/**
 * Reads a manifest file as the API server would see it: every YAML document must be a
 * Kubernetes object (apiVersion, kind, a valid metadata.name), and workloads must be
 * well-formed enough to roll out. Objects without a namespace land in `default`, as
 * `kubectl apply` puts them. Returns the objects or the first reason it cannot apply.
 */
export function parseManifest(text: string, file: string): { objects: K8sObject[] } | { error: string } {
  if (Buffer.byteLength(text) > MAX_BYTES) return { error: `${file}: larger than 1 MiB` };
  const objects: K8sObject[] = [];
  const documents = parseAllDocuments(text);
  const list = Array.isArray(documents) ? documents : [];
  for (const [index, doc] of list.entries()) {
    const where = `${file} (document ${index + 1})`;
    if (doc.errors.length) return { error: `${where}: not valid YAML: ${doc.errors[0].message.split('\n')[0]}` };
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 50 });
    } catch (error) {
      return { error: `${where}: ${String(error)}` };
    }
    if (value === null || value === undefined) continue;
    const problem = objectProblem(value);
    if (problem) return { error: `${where}: not a Kubernetes object: ${problem}` };
    const body = value as Record<string, unknown>;
    const metadata = body.metadata as { name: string; namespace?: string };
    objects.push({
      apiVersion: body.apiVersion as string,
      kind: body.kind as string,
      name: metadata.name,
      namespace: metadata.namespace ?? 'default',
      body,
    });
  }
  if (objects.length === 0) return { error: `${file}: holds no Kubernetes objects` };
  return { objects };
}

function objectProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || Array.isArray(value)) return 'a document must be a mapping';
  const body = value as Record<string, unknown>;
  if (typeof body.apiVersion !== 'string' || !body.apiVersion) return 'apiVersion is missing';
  if (typeof body.kind !== 'string' || !/^[A-Z][A-Za-z0-9]*$/.test(body.kind)) return 'kind is missing or malformed';
  const metadata = body.metadata as Record<string, unknown> | undefined;
  if (typeof metadata !== 'object' || metadata === null) return 'metadata is missing';
  if (typeof metadata.name !== 'string' || metadata.name.length > 253 || !DNS_SUBDOMAIN.test(metadata.name))
    return 'metadata.name is missing or not a DNS-1123 name';
  if (
    metadata.namespace !== undefined &&
    (typeof metadata.namespace !== 'string' || !DNS_LABEL.test(metadata.namespace))
  )
    return 'metadata.namespace is not a DNS-1123 label';
  if (body.kind === 'Deployment') return deploymentProblem(body);
  return undefined;
}

function deploymentProblem(body: Record<string, unknown>): string | undefined {
  const spec = body.spec as Record<string, any> | undefined;
  if (!spec || typeof spec !== 'object') return 'Deployment has no spec';
  if (spec.replicas !== undefined && (!Number.isInteger(spec.replicas) || spec.replicas < 0))
    return 'spec.replicas must be a non-negative integer';
  const containers = spec.template?.spec?.containers;
  if (!Array.isArray(containers) || containers.length === 0)
    return 'spec.template.spec.containers must list at least one container';
  for (const c of containers) {
    if (typeof c?.name !== 'string' || !DNS_LABEL.test(c.name)) return 'every container needs a DNS-1123 name';
    if (typeof c?.image !== 'string' || !c.image.trim()) return `container "${c.name}" has no image`;
  }
  const selector = spec.selector?.matchLabels as Record<string, unknown> | undefined;
  const labels = (spec.template?.metadata?.labels ?? {}) as Record<string, unknown>;
  if (!selector || Object.keys(selector).length === 0) return 'spec.selector.matchLabels is required (apps/v1)';
  if (Object.entries(selector).some(([k, v]) => labels[k] !== v)) return '`selector` does not match template `labels`';
  return undefined;
}

/** Every container image a workload object names (Deployment-like templates and bare Pods). */
export function imagesOf(object: K8sObject): string[] {
  const spec = object.body.spec as Record<string, any> | undefined;
  const podSpec = spec?.template?.spec ?? (object.kind === 'Pod' ? spec : undefined);
  const containers = [...(podSpec?.containers ?? []), ...(podSpec?.initContainers ?? [])] as { image?: unknown }[];
  return containers.map((c) => c.image).filter((i): i is string => typeof i === 'string');
}

/** Splits an image reference the way docker does: a first part with "." or ":" (or localhost) is a registry host. */
export function parseImageReference(image: string): { host?: string; name: string; reference: string } {
  const [withoutDigest, digest] = image.split('@');
  const slash = withoutDigest.indexOf('/');
  const first = slash > 0 ? withoutDigest.slice(0, slash) : '';
  const hasHost = first !== '' && (first.includes('.') || first.includes(':') || first === 'localhost');
  const path = hasHost ? withoutDigest.slice(slash + 1) : withoutDigest;
  const colon = path.lastIndexOf(':');
  const name = colon > 0 ? path.slice(0, colon) : path;
  const tag = colon > 0 ? path.slice(colon + 1) : 'latest';
  return { host: hasHost ? first : undefined, name, reference: digest ?? tag };
}
