import { asList, ManifestPolicy, present, record, RULES, shown, Violation } from './policy';

const NGINX = 'nginx.ingress.kubernetes.io/';

/**
 * ingress-nginx annotations a project may set: routing and limits of its own traffic. Every
 * other annotation that configures an ingress controller is refused: snippets inject raw
 * configuration into a controller every project shares (and have been the way in for most of
 * its CVEs), and others (`auth-url`, `mirror-target`, `alb.ingress.kubernetes.io/*`) make it
 * call or create things on the project's behalf.
 */
export const ALLOWED_INGRESS_ANNOTATIONS = new Set(
  [
    'rewrite-target',
    'use-regex',
    'app-root',
    'ssl-redirect',
    'force-ssl-redirect',
    'backend-protocol',
    'proxy-body-size',
    'proxy-connect-timeout',
    'proxy-read-timeout',
    'proxy-send-timeout',
    'enable-cors',
    'cors-allow-origin',
    'cors-allow-methods',
    'cors-allow-headers',
    'cors-allow-credentials',
    'limit-rps',
    'limit-connections',
  ].map((name) => NGINX + name),
);

/** Annotation keys that configure an ingress controller (ingress-nginx, NGINX Inc, ALB, Traefik...). */
const CONTROLLER_ANNOTATION = /^([a-z0-9.-]*ingress\.kubernetes\.io|nginx\.org|[a-z0-9.-]*\.ingress\.[a-z0-9.-]+)\//i;
/** What could end a directive or start a new one in the controller's configuration. */
const UNSAFE_VALUE = /["'`;{}\\#\n\r]/;

/**
 * An Ingress that routes only hosts of the project's own: every rule and TLS entry names a
 * host under `<namespace>.<ingress domain>`, and there is no default backend (a rule without a
 * host, or a default backend, catches every host the controller serves: other projects' too).
 */
export function ingressViolations(ingress: Record<string, any>, policy: ManifestPolicy): Violation[] {
  const out: Violation[] = [];
  const spec = record(ingress.spec);
  const add = (field: string, problem: string, rule: string) => out.push({ field, problem, rule });
  const hostProblem = (host: unknown) => hostProblemOf(host, policy);

  for (const field of ['defaultBackend', 'backend'] as const) {
    if (present(spec[field])) add(`spec.${field}`, 'catches every host', RULES.ingressBackend);
  }
  asList(spec.rules).forEach((rule, i) => {
    const problem = hostProblem(record(rule).host);
    if (problem) add(`spec.rules[${i}].host`, problem, RULES.ingressHosts);
  });
  asList(spec.tls).forEach((tls, i) => {
    asList(record(tls).hosts).forEach((host, j) => {
      const problem = hostProblem(host);
      if (problem) add(`spec.tls[${i}].hosts[${j}]`, problem, RULES.ingressHosts);
    });
  });
  for (const [key, value] of Object.entries(record(record(ingress.metadata).annotations))) {
    const field = `metadata.annotations["${key}"]`;
    if (/snippet/i.test(key)) add(field, 'injects configuration into the shared controller', RULES.ingressAnnotations);
    else if (CONTROLLER_ANNOTATION.test(key) && !ALLOWED_INGRESS_ANNOTATIONS.has(key)) {
      add(field, 'configures the shared ingress controller and is not on the allowed list', RULES.ingressAnnotations);
    } else if (ALLOWED_INGRESS_ANNOTATIONS.has(key) && (typeof value !== 'string' || UNSAFE_VALUE.test(value))) {
      add(
        field,
        `${shown(value)} holds quotes, braces, ; or # (refused in controller settings)`,
        RULES.ingressAnnotations,
      );
    }
  }
  return out;
}

/** Why a host is not the project's to route, or null when it is. */
function hostProblemOf(host: unknown, policy: ManifestPolicy): string | null {
  if (!present(host) || host === '') return 'a rule without a host catches every host';
  if (!policy.ingressDomain) {
    return `${shown(host)} is refused: no ingress domain is configured (KLEPAAS_INGRESS_DOMAIN)`;
  }
  const own = `${policy.namespace}.${policy.ingressDomain}`.toLowerCase();
  const name = String(host).toLowerCase();
  if (name === own || name.endsWith(`.${own}`)) return null;
  return `${shown(host)} is not ${own} or a name under it`;
}
