import type { ManifestObject } from '../parse-manifest';
import { ManifestPolicy, present, record, RULES, shown } from './policy';

/** A violation of the budget, tied to the object it was found on, or to the whole file. */
export interface BudgetViolation {
  object: ManifestObject | null;
  field: string;
  problem: string;
  rule: string;
}

/**
 * The project's pods in all: every Deployment counts with its replicas (1 when unset; the app's
 * Deployment with the replicas this deploy sets), or with the maxReplicas of the autoscaler
 * that scales it. Each autoscaler must scale a Deployment of this manifest, so none can grow a
 * workload the budget does not see.
 */
export function replicaBudgetViolations(objects: ManifestObject[], policy: ManifestPolicy): BudgetViolation[] {
  const out: BudgetViolation[] = [];
  const max = policy.maxPods;
  const deployments = objects.filter((o) => o.kind === 'Deployment');
  const ceilings = new Map<string, { max: number; by: string }>();

  for (const hpa of objects.filter((o) => o.kind === 'HorizontalPodAutoscaler')) {
    const spec = record(hpa.value.spec);
    const target = record(spec.scaleTargetRef);
    const scaled = target.kind === 'Deployment' && deployments.find((d) => d.name === target.name);
    if (!scaled) {
      const what = `${shown(target.kind)} ${shown(target.name)}`;
      out.push({
        object: hpa,
        field: 'spec.scaleTargetRef',
        problem: `${what} is not a Deployment of this manifest`,
        rule: RULES.replicas,
      });
      continue;
    }
    const ceiling = wholeNumber(spec.maxReplicas);
    if (ceiling === null || ceiling > max) {
      out.push({
        object: hpa,
        field: 'spec.maxReplicas',
        problem: `${shown(spec.maxReplicas)} is over the project's ${max} pods`,
        rule: RULES.replicas,
      });
      continue;
    }
    const known = ceilings.get(scaled.name);
    if (!known || ceiling > known.max) {
      ceilings.set(scaled.name, { max: ceiling, by: `HorizontalPodAutoscaler "${hpa.name}" spec.maxReplicas` });
    }
  }

  const parts: string[] = [];
  let total = 0;
  let overOnItsOwn = false;
  for (const deployment of deployments) {
    const isApp = deployment.position === policy.app?.position;
    const written = deployment.value.spec?.replicas;
    const replicas = isApp ? policy.app!.replicas : present(written) ? wholeNumber(written) : 1;
    if (replicas === null || replicas > max) {
      out.push({
        object: deployment,
        field: 'spec.replicas',
        problem: `${shown(written)} is over the project's ${max} pods`,
        rule: RULES.replicas,
      });
      overOnItsOwn = true;
      continue;
    }
    const ceiling = ceilings.get(deployment.name);
    const counted = ceiling ? Math.max(ceiling.max, replicas) : replicas;
    total += counted;
    parts.push(`Deployment "${deployment.name}" ${counted}${ceiling ? ` (${ceiling.by})` : ''}`);
  }
  if (total > max && !overOnItsOwn) {
    out.push({
      object: null,
      field: 'spec.replicas',
      problem: `the Deployments' spec.replicas (or their autoscalers' spec.maxReplicas) come to ${total} pods in all (${parts.join(' + ')}), over the project's ${max}`,
      rule: RULES.replicas,
    });
  }
  return out;
}

function wholeNumber(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : null;
}
