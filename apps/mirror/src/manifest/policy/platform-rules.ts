import { parseImageRef } from '../image-ref';
import { asList, containersOf, ManifestPolicy, present, record, RULES, shown, Violation } from './policy';

/**
 * The platform's own rules for a pod template, beyond the Pod Security Standards:
 *
 * - **Secrets**: no secret volume, projected secret, `secretKeyRef` or `secretRef`. A project
 *   cannot create Secrets (the kind is not allowed), so every Secret in its namespace was put
 *   there by the platform, and one of them, the registry pull secret, opens every project's
 *   images.
 * - **Registry images**: an image from the platform's registry must be the project's own; the
 *   registry holds every project's images, and the pull secret would fetch any of them.
 */
export function podPlatformViolations(template: Record<string, any>, at: string, policy: ManifestPolicy): Violation[] {
  const out: Violation[] = [];
  const spec = record(template.spec);
  const podAt = `${at}.spec`;
  const add = (field: string, problem: string, rule: string) => out.push({ field, problem, rule });

  asList(spec.volumes).forEach((volume, i) => {
    const v = record(volume);
    if (present(v.secret)) add(`${podAt}.volumes[${i}].secret`, 'mounts a Secret', RULES.secrets);
    asList(record(v.projected).sources).forEach((source, j) => {
      if (present(record(source).secret)) {
        add(`${podAt}.volumes[${i}].projected.sources[${j}].secret`, 'projects a Secret', RULES.secrets);
      }
    });
  });

  const own = parseImageRef(policy.image).repository;
  const registry = registryOf(own);
  for (const { container, path, list, index } of containersOf(spec, podAt)) {
    asList(container.env).forEach((env, i) => {
      if (present(record(record(env).valueFrom).secretKeyRef)) {
        add(`${path}.env[${i}].valueFrom.secretKeyRef`, 'reads a Secret', RULES.secrets);
      }
    });
    asList(container.envFrom).forEach((source, i) => {
      if (present(record(source).secretRef)) add(`${path}.envFrom[${i}].secretRef`, 'reads a Secret', RULES.secrets);
    });
    const isApp = list === 'containers' && index === policy.app?.containerIndex;
    if (isApp || typeof container.image !== 'string') continue; // the deploy sets the app's image
    const repository = parseImageRef(container.image).repository;
    if (registry && registryOf(repository) === registry && pathOf(repository) !== pathOf(own)) {
      add(
        `${path}.image`,
        `${shown(container.image)} is another project's image (this project's is ${own})`,
        RULES.registryImages,
      );
    }
  }
  return out;
}

/**
 * A Service reachable only inside the cluster: no NodePort or LoadBalancer (they open the
 * nodes or buy a load balancer), no ExternalName (a name the ingress controller would follow
 * anywhere), no externalIPs (they capture traffic for addresses the project does not own).
 */
export function serviceViolations(service: Record<string, any>): Violation[] {
  const out: Violation[] = [];
  const spec = record(service.spec);
  if (present(spec.type) && spec.type !== 'ClusterIP') {
    out.push({ field: 'spec.type', problem: `${shown(spec.type)} is not ClusterIP`, rule: RULES.serviceType });
  }
  if (asList(spec.externalIPs).length) {
    out.push({ field: 'spec.externalIPs', problem: 'claims addresses outside the cluster', rule: RULES.externalIPs });
  }
  asList(spec.ports).forEach((port, i) => {
    if (present(record(port).nodePort)) {
      out.push({ field: `spec.ports[${i}].nodePort`, problem: 'opens a port on every node', rule: RULES.serviceType });
    }
  });
  return out;
}

/** The image's path in its registry (`acme-web` of `host:5000/acme-web`). */
function pathOf(repository: string): string {
  return repository.slice(repository.indexOf('/') + 1);
}

/** An NCR host, public or private endpoint (`{name}.kr.ncr.ntruss.com`, `{name}.kr.private-ncr.ntruss.com`). */
const NCR_HOST = /^([a-z0-9-]+)\.(?:[a-z0-9-]+\.)?(?:private-)?ncr\.(?:gov-|fin-)?ntruss\.com$/;

/**
 * The registry a repository reference names, or null for Docker Hub's short names: its host,
 * lower-cased, without the default port, and one key for an NCR registry's public and private
 * endpoints (either pulls the same images).
 */
export function registryOf(repository: string): string | null {
  const slash = repository.indexOf('/');
  if (slash === -1) return null;
  const first = repository.slice(0, slash).toLowerCase();
  if (!/[.:]/.test(first) && first !== 'localhost') return null;
  const host = first.replace(/:443$/, '');
  const ncr = NCR_HOST.exec(host);
  return ncr ? `ncr:${ncr[1]}` : host;
}
