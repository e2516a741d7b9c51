import { isRecord } from '../parse-manifest';

/** The Pod Security Standards profile a project's pods are held to (`restricted` is opt-in). */
export type PodSecurityLevel = 'baseline' | 'restricted';

/** The most pods a project's workloads may run in all (the gateway's replica bound). */
export const MAX_PROJECT_PODS = 10;

/** What the checks need to know about the project and the platform. */
export interface ManifestPolicy {
  namespace: string;
  podSecurity: PodSecurityLevel;
  /** The project's own image (registry/name:tag): other images of that registry are other projects'. */
  image: string;
  /** Ingress hosts must lie under `<namespace>.<ingressDomain>`; none configured, none allowed. */
  ingressDomain?: string;
  maxPods: number;
  /** The app container, which the deploy rewrites: its image and its Deployment's replicas. */
  app?: { position: number; containerIndex: number; replicas: number };
}

/** One broken rule: the field as `kubectl explain` spells it, what is wrong, and the rule's name. */
export interface Violation {
  field: string;
  problem: string;
  rule: string;
}

/** Rule names as the refusal and docs/mirror.md give them (the standard's names for its controls). */
export const RULES = {
  hostProcess: 'baseline: HostProcess',
  hostNamespaces: 'baseline: host namespaces',
  privileged: 'baseline: privileged containers',
  capabilities: 'baseline: capabilities',
  hostPath: 'baseline: hostPath volumes',
  hostPorts: 'baseline: host ports',
  appArmor: 'baseline: AppArmor',
  seLinux: 'baseline: SELinux',
  procMount: 'baseline: /proc mount type',
  seccomp: 'baseline: seccomp',
  sysctls: 'baseline: sysctls',
  volumeTypes: 'restricted: volume types',
  privilegeEscalation: 'restricted: privilege escalation',
  runAsNonRoot: 'restricted: running as non-root',
  runAsUser: 'restricted: running as non-root user',
  seccompRestricted: 'restricted: seccomp',
  capabilitiesRestricted: 'restricted: capabilities',
  kinds: 'platform: allowed kinds',
  namespace: 'platform: own namespace',
  serviceType: 'platform: Service type',
  externalIPs: 'platform: Service external IPs',
  ingressHosts: 'platform: Ingress hosts',
  ingressBackend: 'platform: Ingress default backend',
  ingressAnnotations: 'platform: Ingress annotations',
  secrets: 'platform: Secrets',
  registryImages: 'platform: registry images',
  replicas: 'platform: replicas',
} as const;

export const CONTAINER_LISTS = ['containers', 'initContainers', 'ephemeralContainers'] as const;

/** Every container of a pod spec with the path to it (`spec.template.spec.containers[0]`). */
export function containersOf(
  podSpec: Record<string, any>,
  at: string,
): Array<{ container: Record<string, any>; path: string; list: string; index: number }> {
  return CONTAINER_LISTS.flatMap((list) =>
    asList(podSpec[list]).flatMap((container, index) =>
      isRecord(container) ? [{ container, path: `${at}.${list}[${index}]`, list, index }] : [],
    ),
  );
}

export function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function record(value: unknown): Record<string, any> {
  return isRecord(value) ? value : {};
}

/** YAML 1.1 already made yes/on booleans; a quoted "true" counts too, since strictness costs nothing here. */
export function isTrue(value: unknown): boolean {
  return value === true || (typeof value === 'string' && /^(true|yes|on|y)$/i.test(value));
}

export function present(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/** A value as it appears in a message: short, quoted, and never multi-line. */
export function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
