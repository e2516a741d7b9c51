import { asList, containersOf, present, record, RULES, shown, Violation } from './policy';

/** Volume sources a restricted pod may use (the standard's list). */
export const RESTRICTED_VOLUME_SOURCES = new Set([
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
]);
const SECCOMP_TYPES = new Set(['RuntimeDefault', 'Localhost']);

/**
 * What the Pod Security Standards' `restricted` profile adds to `baseline` (the caller checks
 * both): pods hardened as current best practice says, at some cost to compatibility: not root,
 * no privilege escalation, every capability dropped, a seccomp profile, plain volume types.
 */
export function restrictedViolations(template: Record<string, any>, at: string): Violation[] {
  const out: Violation[] = [];
  const spec = record(template.spec);
  const podAt = `${at}.spec`;
  const pod = record(spec.securityContext);
  const add = (field: string, problem: string, rule: string) => out.push({ field, problem, rule });

  asList(spec.volumes).forEach((volume, i) => {
    const sources = Object.keys(record(volume)).filter((key) => key !== 'name');
    for (const source of sources.filter((s) => !RESTRICTED_VOLUME_SOURCES.has(s))) {
      add(`${podAt}.volumes[${i}].${source}`, `${source} volumes are not allowed`, RULES.volumeTypes);
    }
  });
  if (present(pod.runAsUser) && Number(pod.runAsUser) === 0) {
    add(`${podAt}.securityContext.runAsUser`, '0 runs as root', RULES.runAsUser);
  }
  if (present(pod.runAsNonRoot) && pod.runAsNonRoot !== true) {
    add(`${podAt}.securityContext.runAsNonRoot`, `${shown(pod.runAsNonRoot)} must be true`, RULES.runAsNonRoot);
  }
  const podNonRoot = pod.runAsNonRoot === true;
  const podSeccomp = SECCOMP_TYPES.has(record(pod.seccompProfile).type);

  for (const { container, path } of containersOf(spec, podAt)) {
    const context = record(container.securityContext);
    const contextAt = `${path}.securityContext`;
    if (context.allowPrivilegeEscalation !== false) {
      add(`${contextAt}.allowPrivilegeEscalation`, 'must be false', RULES.privilegeEscalation);
    }
    if (present(context.runAsNonRoot) ? context.runAsNonRoot !== true : !podNonRoot) {
      add(
        `${contextAt}.runAsNonRoot`,
        `must be true (here or in ${podAt}.securityContext.runAsNonRoot)`,
        RULES.runAsNonRoot,
      );
    }
    if (present(context.runAsUser) && Number(context.runAsUser) === 0) {
      add(`${contextAt}.runAsUser`, '0 runs as root', RULES.runAsUser);
    }
    if (!present(record(context.seccompProfile).type) && !podSeccomp) {
      add(
        `${contextAt}.seccompProfile.type`,
        `must be RuntimeDefault or Localhost (here or in ${podAt}.securityContext.seccompProfile.type)`,
        RULES.seccompRestricted,
      );
    }
    const capabilities = record(context.capabilities);
    if (!asList(capabilities.drop).includes('ALL')) {
      add(`${contextAt}.capabilities.drop`, 'must include ALL', RULES.capabilitiesRestricted);
    }
    asList(capabilities.add).forEach((capability, i) => {
      if (capability !== 'NET_BIND_SERVICE') {
        add(
          `${contextAt}.capabilities.add[${i}]`,
          `${shown(capability)} is not allowed (only NET_BIND_SERVICE)`,
          RULES.capabilitiesRestricted,
        );
      }
    });
  }
  return out;
}
