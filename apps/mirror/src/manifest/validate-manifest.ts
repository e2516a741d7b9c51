import { Refusal } from '../refusal';
import { MANIFEST_PATH } from './manifest-limits';
import { isRecord, ManifestObject, ParsedManifest } from './parse-manifest';

/**
 * The kinds a project may deploy into a shared cluster (architecture decision 7), each with its
 * API group: a custom resource that merely calls itself "Deployment" is not a Deployment.
 */
export const ALLOWED_KINDS: Readonly<Record<string, string>> = {
  Deployment: 'apps',
  Service: '',
  ConfigMap: '',
  Ingress: 'networking.k8s.io',
  HorizontalPodAutoscaler: 'autoscaling',
  PodDisruptionBudget: 'policy',
};

const HOST_NAMESPACES = ['hostNetwork', 'hostPID', 'hostIPC'] as const;
const CONTAINER_LISTS = ['containers', 'initContainers', 'ephemeralContainers'] as const;

/**
 * Refuses what a shared cluster must not run: another namespace, kinds outside the allow-list,
 * privileged containers, host namespaces and host paths. Every problem is named in one error,
 * so a developer fixes them all in one commit.
 */
export function validateManifest(manifest: ParsedManifest, namespace: string): void {
  const problems = manifest.objects.flatMap((object) => problemsOf(object, namespace));
  if (problems.length) {
    throw new Refusal('manifest_forbidden', `${MANIFEST_PATH} is refused: ${problems.join('; ')}`);
  }
}

function problemsOf(object: ManifestObject, namespace: string): string[] {
  const where = `document ${object.position} (${object.kind} "${object.name}")`;
  const problems: string[] = [];
  const group = groupOf(object.apiVersion);
  if (!(object.kind in ALLOWED_KINDS)) {
    problems.push(`${where}: kind ${object.kind} is not allowed (allowed: ${Object.keys(ALLOWED_KINDS).join(', ')})`);
  } else if (ALLOWED_KINDS[object.kind] !== group) {
    problems.push(`${where}: apiVersion ${object.apiVersion} is not the Kubernetes ${object.kind}`);
  }
  const declared = object.value.metadata?.namespace;
  if (declared !== undefined && declared !== null && declared !== namespace) {
    problems.push(`${where}: namespace "${String(declared)}" is not this project's namespace "${namespace}"`);
  }
  const podSpec = object.kind === 'Deployment' ? object.value.spec?.template?.spec : undefined;
  if (isRecord(podSpec)) problems.push(...podSpecProblems(podSpec).map((p) => `${where}: ${p}`));
  return problems;
}

function podSpecProblems(spec: Record<string, any>): string[] {
  const problems: string[] = [];
  for (const field of HOST_NAMESPACES) {
    if (isTrue(spec[field])) problems.push(`${field}: true shares the node's namespaces`);
  }
  for (const volume of asList(spec.volumes)) {
    if (isRecord(volume) && volume.hostPath !== undefined && volume.hostPath !== null) {
      const path = isRecord(volume.hostPath) ? volume.hostPath.path : undefined;
      problems.push(`volume "${String(volume.name)}" mounts the node's path ${JSON.stringify(path ?? '')} (hostPath)`);
    }
  }
  for (const list of CONTAINER_LISTS) {
    for (const container of asList(spec[list])) {
      if (isRecord(container) && isTrue(container.securityContext?.privileged)) {
        problems.push(`container "${String(container.name)}" is privileged (securityContext.privileged: true)`);
      }
    }
  }
  return problems;
}

/** `apps/v1` → `apps`; `v1` → the core group, ''. */
function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash === -1 ? '' : apiVersion.slice(0, slash);
}

/** YAML 1.1 already made yes/on booleans; a quoted "true" counts too, since strictness costs nothing here. */
function isTrue(value: unknown): boolean {
  return value === true || (typeof value === 'string' && /^(true|yes|on|y)$/i.test(value));
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
