import { Refusal } from '../refusal';
import { MANIFEST_PATH } from './manifest-limits';
import { isRecord, ManifestObject, ParsedManifest } from './parse-manifest';
import { ingressViolations } from './policy/ingress-rules';
import { podPlatformViolations, serviceViolations } from './policy/platform-rules';
import { baselineViolations } from './policy/pod-security-baseline';
import { restrictedViolations } from './policy/pod-security-restricted';
import { ManifestPolicy, MAX_PROJECT_PODS, RULES, Violation } from './policy/policy';
import { replicaBudgetViolations } from './policy/replica-budget';

/**
 * The kinds a project may deploy into a shared cluster (architecture decision 7), each with its
 * API group: a custom resource that merely calls itself "Deployment" is not a Deployment. All
 * are namespaced: no project creates cluster-scoped objects.
 */
export const ALLOWED_KINDS: Readonly<Record<string, string>> = {
  Deployment: 'apps',
  Service: '',
  ConfigMap: '',
  Ingress: 'networking.k8s.io',
  HorizontalPodAutoscaler: 'autoscaling',
  PodDisruptionBudget: 'policy',
};

/** A policy for `namespace` with the defaults: baseline, no ingress domain, the project's pod budget. */
export function defaultPolicy(namespace: string, image = ''): ManifestPolicy {
  return { namespace, podSecurity: 'baseline', image, maxPods: MAX_PROJECT_PODS };
}

/**
 * Refuses what a shared cluster must not run (docs/mirror.md, "Manifest policy"): the Pod
 * Security Standards' baseline profile (restricted when the project asks for it) on every pod
 * template, and the platform's rules on every object. Every problem is named in one error, each
 * with its field and rule, so a developer fixes them all in one commit.
 */
export function validateManifest(manifest: ParsedManifest, policy: ManifestPolicy): void {
  const problems = manifest.objects.flatMap((object) => violationsOf(object, policy).map((v) => describe(object, v)));
  for (const v of replicaBudgetViolations(manifest.objects, policy)) {
    problems.push(v.object ? describe(v.object, v) : `${v.problem} [${v.rule}]`);
  }
  if (problems.length) {
    const listed = problems.slice(0, MAX_LISTED);
    if (problems.length > MAX_LISTED) listed.push(`and ${problems.length - MAX_LISTED} more`);
    throw new Refusal('manifest_forbidden', `${MANIFEST_PATH} is refused: ${listed.join('; ')}`);
  }
}

/** Problems named in one refusal: enough to fix a file, and the event stays small. */
const MAX_LISTED = 30;

function violationsOf(object: ManifestObject, policy: ManifestPolicy): Violation[] {
  const out: Violation[] = [];
  const group = groupOf(object.apiVersion);
  if (!(object.kind in ALLOWED_KINDS)) {
    const allowed = Object.keys(ALLOWED_KINDS).join(', ');
    out.push({ field: 'kind', problem: `${object.kind} is not allowed (allowed: ${allowed})`, rule: RULES.kinds });
  } else if (ALLOWED_KINDS[object.kind] !== group) {
    out.push({
      field: 'apiVersion',
      problem: `${object.apiVersion} is not the Kubernetes ${object.kind}`,
      rule: RULES.kinds,
    });
  }
  const declared = object.value.metadata?.namespace;
  if (declared !== undefined && declared !== null && declared !== policy.namespace) {
    out.push({
      field: 'metadata.namespace',
      problem: `"${String(declared)}" is not this project's namespace "${policy.namespace}"`,
      rule: RULES.namespace,
    });
  }
  if (ALLOWED_KINDS[object.kind] !== group) return out;
  if (object.kind === 'Deployment' && isRecord(object.value.spec?.template)) {
    const template = object.value.spec.template;
    const at = 'spec.template';
    const app = policy.app?.position === object.position ? policy : { ...policy, app: undefined };
    out.push(...baselineViolations(template, at));
    if (policy.podSecurity === 'restricted') out.push(...restrictedViolations(template, at));
    out.push(...podPlatformViolations(template, at, app));
  }
  if (object.kind === 'Service') out.push(...serviceViolations(object.value));
  if (object.kind === 'Ingress') out.push(...ingressViolations(object.value, policy));
  return firstPerField(out);
}

/** One problem per field: restricted repeats some baseline findings (an added capability). */
function firstPerField(violations: Violation[]): Violation[] {
  const seen = new Set<string>();
  return violations.filter((v) => !seen.has(v.field) && seen.add(v.field));
}

function describe(object: ManifestObject, v: { field: string; problem: string; rule: string }): string {
  return `document ${object.position} (${object.kind} "${object.name}"): ${v.field}: ${v.problem} [${v.rule}]`;
}

/** `apps/v1` → `apps`; `v1` → the core group, ''. */
function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash === -1 ? '' : apiVersion.slice(0, slash);
}
