import { asList, containersOf, isTrue, present, record, RULES, shown, Violation } from './policy';

/** Capabilities a baseline container may add (the standard's list; anything else is refused). */
export const BASELINE_CAPABILITIES = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);

/** Sysctls namespaced to the pod and safe to set (the standard's list). */
export const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
]);

const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);
const APPARMOR_TYPES = new Set(['RuntimeDefault', 'Localhost']);
const APPARMOR_ANNOTATION = 'container.apparmor.security.beta.kubernetes.io/';
const SECCOMP_TYPES = new Set(['RuntimeDefault', 'Localhost']);
const HOST_NAMESPACES = ['hostNetwork', 'hostPID', 'hostIPC'] as const;

/**
 * The Pod Security Standards' `baseline` profile over a pod template (`template` is the object
 * at `at`, e.g. a Deployment's `spec.template`): what stops known privilege escalations while
 * letting ordinary containers run, even as root.
 */
export function baselineViolations(template: Record<string, any>, at: string): Violation[] {
  const out: Violation[] = [];
  const spec = record(template.spec);
  const podAt = `${at}.spec`;
  const add = (field: string, problem: string, rule: string) => out.push({ field, problem, rule });

  for (const field of HOST_NAMESPACES) {
    if (isTrue(spec[field])) add(`${podAt}.${field}`, "true shares the node's namespace", RULES.hostNamespaces);
  }
  asList(spec.volumes).forEach((volume, i) => {
    const hostPath = record(volume).hostPath;
    if (present(hostPath)) {
      add(
        `${podAt}.volumes[${i}].hostPath`,
        `mounts the node's path ${shown(record(hostPath).path ?? '')}`,
        RULES.hostPath,
      );
    }
  });
  asList(record(spec.securityContext).sysctls).forEach((sysctl, i) => {
    const name = record(sysctl).name;
    if (!SAFE_SYSCTLS.has(name)) {
      add(`${podAt}.securityContext.sysctls[${i}].name`, `${shown(name)} is not a safe sysctl`, RULES.sysctls);
    }
  });
  securityContextViolations(record(spec.securityContext), `${podAt}.securityContext`, add);

  const annotations = record(record(template.metadata).annotations);
  for (const [key, value] of Object.entries(annotations)) {
    if (!key.startsWith(APPARMOR_ANNOTATION)) continue;
    if (value !== 'runtime/default' && !(typeof value === 'string' && value.startsWith('localhost/'))) {
      add(
        `${at}.metadata.annotations["${key}"]`,
        `${shown(value)} is not runtime/default or localhost/*`,
        RULES.appArmor,
      );
    }
  }

  for (const { container, path } of containersOf(spec, podAt)) {
    const context = record(container.securityContext);
    const contextAt = `${path}.securityContext`;
    if (isTrue(context.privileged))
      add(`${contextAt}.privileged`, 'true runs a privileged container', RULES.privileged);
    asList(record(context.capabilities).add).forEach((capability, i) => {
      if (!BASELINE_CAPABILITIES.has(capability as string)) {
        add(
          `${contextAt}.capabilities.add[${i}]`,
          `${shown(capability)} is beyond the baseline set`,
          RULES.capabilities,
        );
      }
    });
    if (present(context.procMount) && context.procMount !== 'Default') {
      add(`${contextAt}.procMount`, `${shown(context.procMount)} unmasks /proc`, RULES.procMount);
    }
    securityContextViolations(context, contextAt, add);
    asList(container.ports).forEach((port, i) => {
      const hostPort = record(port).hostPort;
      if (present(hostPort) && Number(hostPort) !== 0) {
        add(`${path}.ports[${i}].hostPort`, `${shown(hostPort)} opens a port on the node`, RULES.hostPorts);
      }
    });
  }
  return out;
}

/** The fields pod and container security contexts share: Windows HostProcess, SELinux, AppArmor, seccomp. */
function securityContextViolations(
  context: Record<string, any>,
  at: string,
  add: (field: string, problem: string, rule: string) => void,
): void {
  if (isTrue(record(context.windowsOptions).hostProcess)) {
    add(`${at}.windowsOptions.hostProcess`, 'true runs on the Windows host', RULES.hostProcess);
  }
  const seLinux = record(context.seLinuxOptions);
  if (present(seLinux.type) && !SELINUX_TYPES.has(seLinux.type)) {
    add(`${at}.seLinuxOptions.type`, `${shown(seLinux.type)} is not a container SELinux type`, RULES.seLinux);
  }
  for (const field of ['user', 'role'] as const) {
    if (present(seLinux[field]) && seLinux[field] !== '') {
      add(`${at}.seLinuxOptions.${field}`, `setting the SELinux ${field} is not allowed`, RULES.seLinux);
    }
  }
  const appArmor = record(context.appArmorProfile).type;
  if (present(appArmor) && !APPARMOR_TYPES.has(appArmor)) {
    add(`${at}.appArmorProfile.type`, `${shown(appArmor)} is not RuntimeDefault or Localhost`, RULES.appArmor);
  }
  const seccomp = record(context.seccompProfile).type;
  if (present(seccomp) && !SECCOMP_TYPES.has(seccomp)) {
    add(`${at}.seccompProfile.type`, `${shown(seccomp)} is not RuntimeDefault or Localhost`, RULES.seccomp);
  }
}
