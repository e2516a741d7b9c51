import {
  commentedManifest,
  deploymentOf,
  deploymentWith,
  objectOf,
  policyFor,
  refusalFor,
  TARGET,
} from '../../test/support/manifests';
import { parseManifest } from './parse-manifest';
import { validateManifest } from './validate-manifest';

const NS = TARGET.namespace;
const C0 = 'spec.template.spec.containers[0]';

describe('validateManifest: kinds and namespace (architecture decision 7)', () => {
  it('accepts a Deployment and a Service without a namespace, or in the project namespace', () => {
    expect(() => validateManifest(parseManifest(commentedManifest()), policyFor())).not.toThrow();
    expect(() => validateManifest(parseManifest(commentedManifest(undefined, NS)), policyFor())).not.toThrow();
  });

  it('accepts every allowed kind', () => {
    const yaml = [
      objectOf('ConfigMap', 'v1'),
      objectOf('Ingress', 'networking.k8s.io/v1'),
      objectOf('PodDisruptionBudget', 'policy/v1'),
    ].join('---\n');
    expect(() => validateManifest(parseManifest(yaml), policyFor())).not.toThrow();
  });

  it.each([
    ['ClusterRoleBinding', 'rbac.authorization.k8s.io/v1'],
    ['Namespace', 'v1'],
    ['DaemonSet', 'apps/v1'],
    ['Pod', 'v1'],
    ['Secret', 'v1'],
  ])('refuses kind %s (cluster-scoped objects among them)', (kind, apiVersion) => {
    const refusal = refusalFor(objectOf(kind, apiVersion));
    expect(refusal.code).toBe('manifest_forbidden');
    expect(refusal.message).toContain(
      `document 1 (${kind} "thing"): kind: ${kind} is not allowed (allowed: Deployment`,
    );
    expect(refusal.message).toContain('[platform: allowed kinds]');
  });

  it('refuses a custom resource that only calls itself a Deployment', () => {
    expect(refusalFor(objectOf('Deployment', 'evil.example.com/v1')).message).toContain(
      'apiVersion: evil.example.com/v1 is not the Kubernetes Deployment [platform: allowed kinds]',
    );
  });

  it('refuses an object in another namespace', () => {
    expect(refusalFor(commentedManifest(undefined, 'kube-system')).message).toContain(
      `document 1 (Deployment "acme-web"): metadata.namespace: "kube-system" is not this project's namespace "${NS}" [platform: own namespace]`,
    );
  });

  it('names at most 30 problems, then says how many more', () => {
    const many = Array.from({ length: 40 }, (_, i) => objectOf('Secret', 'v1', `s${i}`)).join('---\n');
    const problems = refusalFor(many).message.split('; ');
    expect(problems).toHaveLength(31);
    expect(problems[30]).toBe('and 10 more');
  });

  it('names every problem at once, each with its field and rule', () => {
    const yaml = `${deploymentWith('      hostNetwork: true\n', '', '\n  namespace: other')}---\n${objectOf('Secret', 'v1')}`;
    const problems = refusalFor(yaml).message.split('; ');
    expect(problems).toHaveLength(3);
    for (const problem of problems) expect(problem).toMatch(/: [a-zA-Z.[\]0-9]+: .* \[(baseline|platform): [^\]]+\]$/);
  });
});

describe('validateManifest: the Pod Security Standards baseline profile', () => {
  it.each([
    ['host network', { hostNetwork: true }, {}, {}, 'spec.template.spec.hostNetwork', 'host namespaces'],
    ['host PID', { hostPID: true }, {}, {}, 'spec.template.spec.hostPID', 'host namespaces'],
    ['host IPC, spelled yes', { hostIPC: 'yes' }, {}, {}, 'spec.template.spec.hostIPC', 'host namespaces'],
    [
      'a privileged container',
      {},
      { securityContext: { privileged: true } },
      {},
      `${C0}.securityContext.privileged`,
      'privileged containers',
    ],
    [
      'a privileged container, as "true"',
      {},
      { securityContext: { privileged: 'true' } },
      {},
      `${C0}.securityContext.privileged`,
      'privileged containers',
    ],
    [
      'SYS_ADMIN added',
      {},
      { securityContext: { capabilities: { add: ['CHOWN', 'SYS_ADMIN'] } } },
      {},
      `${C0}.securityContext.capabilities.add[1]`,
      'capabilities',
    ],
    [
      'NET_ADMIN added',
      {},
      { securityContext: { capabilities: { add: ['NET_ADMIN'] } } },
      {},
      `${C0}.securityContext.capabilities.add[0]`,
      'capabilities',
    ],
    [
      'a hostPath volume',
      { volumes: [{ name: 'root', hostPath: { path: '/' } }] },
      {},
      {},
      'spec.template.spec.volumes[0].hostPath',
      'hostPath volumes',
    ],
    ['a host port', {}, { ports: [{ containerPort: 80, hostPort: 80 }] }, {}, `${C0}.ports[0].hostPort`, 'host ports'],
    [
      'a Windows HostProcess pod',
      { securityContext: { windowsOptions: { hostProcess: true } } },
      {},
      {},
      'spec.template.spec.securityContext.windowsOptions.hostProcess',
      'HostProcess',
    ],
    [
      'an unconfined AppArmor profile',
      {},
      { securityContext: { appArmorProfile: { type: 'Unconfined' } } },
      {},
      `${C0}.securityContext.appArmorProfile.type`,
      'AppArmor',
    ],
    [
      'an unconfined AppArmor annotation',
      {},
      {},
      { annotations: { 'container.apparmor.security.beta.kubernetes.io/acme-web': 'unconfined' } },
      'spec.template.metadata.annotations["container.apparmor.security.beta.kubernetes.io/acme-web"]',
      'AppArmor',
    ],
    [
      'an SELinux type of the host',
      { securityContext: { seLinuxOptions: { type: 'spc_t' } } },
      {},
      {},
      'spec.template.spec.securityContext.seLinuxOptions.type',
      'SELinux',
    ],
    [
      'an SELinux user',
      {},
      { securityContext: { seLinuxOptions: { user: 'system_u' } } },
      {},
      `${C0}.securityContext.seLinuxOptions.user`,
      'SELinux',
    ],
    [
      'an unmasked /proc',
      {},
      { securityContext: { procMount: 'Unmasked' } },
      {},
      `${C0}.securityContext.procMount`,
      '/proc mount type',
    ],
    [
      'an unconfined seccomp profile',
      { securityContext: { seccompProfile: { type: 'Unconfined' } } },
      {},
      {},
      'spec.template.spec.securityContext.seccompProfile.type',
      'seccomp',
    ],
    [
      'an unsafe sysctl',
      { securityContext: { sysctls: [{ name: 'kernel.msgmax', value: '1' }] } },
      {},
      {},
      'spec.template.spec.securityContext.sysctls[0].name',
      'sysctls',
    ],
    [
      'a privileged init container',
      { initContainers: [{ name: 'setup', image: 'busybox', securityContext: { privileged: true } }] },
      {},
      {},
      'spec.template.spec.initContainers[0].securityContext.privileged',
      'privileged containers',
    ],
  ])('refuses %s, naming the field and the rule', (_, pod, container, template, field, rule) => {
    const message = refusalFor(deploymentOf(pod, container, template)).message;
    expect(message).toContain(`document 1 (Deployment "acme-web"): ${field}: `);
    expect(message).toContain(`[baseline: ${rule}]`);
  });

  it('accepts what the baseline allows: its capabilities, port 0, runtime profiles, safe sysctls, root', () => {
    const yaml = deploymentOf(
      {
        securityContext: {
          runAsUser: 0,
          seccompProfile: { type: 'RuntimeDefault' },
          seLinuxOptions: { type: 'container_t' },
          sysctls: [{ name: 'net.ipv4.ip_local_port_range', value: '1024 65535' }],
        },
      },
      {
        ports: [{ containerPort: 80, hostPort: 0 }],
        securityContext: {
          capabilities: { add: ['NET_BIND_SERVICE', 'CHOWN'] },
          appArmorProfile: { type: 'RuntimeDefault' },
          procMount: 'Default',
          allowPrivilegeEscalation: true,
        },
      },
      { annotations: { 'container.apparmor.security.beta.kubernetes.io/acme-web': 'runtime/default' } },
    );
    expect(() => validateManifest(parseManifest(yaml), policyFor())).not.toThrow();
  });

  it('sees a privileged flag set through a YAML merge key', () => {
    const merged = deploymentWith('', '\n          securityContext:\n            <<: {privileged: true}');
    expect(refusalFor(merged).message).toContain(`${C0}.securityContext.privileged: true runs a privileged container`);
  });
});

describe('validateManifest: the restricted profile, when the project asks for it', () => {
  const restricted = policyFor({ podSecurity: 'restricted' });
  const hardenedContainer = {
    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } },
  };
  const hardenedPod = { securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } } };

  it('accepts a hardened pod, with the non-root and seccomp settings at pod or container level', () => {
    expect(() =>
      validateManifest(parseManifest(deploymentOf(hardenedPod, hardenedContainer)), restricted),
    ).not.toThrow();
    const perContainer = {
      securityContext: {
        ...hardenedContainer.securityContext,
        runAsNonRoot: true,
        seccompProfile: { type: 'Localhost', localhostProfile: 'my.json' },
      },
    };
    expect(() => validateManifest(parseManifest(deploymentOf({}, perContainer)), restricted)).not.toThrow();
  });

  it('refuses an ordinary container, naming each restricted rule it breaks', () => {
    const message = refusalFor(deploymentOf(), restricted).message;
    for (const [field, rule] of [
      [`${C0}.securityContext.allowPrivilegeEscalation`, 'privilege escalation'],
      [`${C0}.securityContext.runAsNonRoot`, 'running as non-root'],
      [`${C0}.securityContext.seccompProfile.type`, 'seccomp'],
      [`${C0}.securityContext.capabilities.drop`, 'capabilities'],
    ]) {
      expect(message).toContain(`${field}: `);
      expect(message).toContain(`[restricted: ${rule}]`);
    }
    expect(() => validateManifest(parseManifest(deploymentOf()), policyFor())).not.toThrow();
  });

  it.each([
    [
      'root by user id',
      { securityContext: { ...hardenedPod.securityContext, runAsUser: 0 } },
      {},
      'spec.template.spec.securityContext.runAsUser',
      'running as non-root user',
    ],
    [
      'a container back to root',
      hardenedPod,
      { securityContext: { ...hardenedContainer.securityContext, runAsNonRoot: false } },
      `${C0}.securityContext.runAsNonRoot`,
      'running as non-root',
    ],
    [
      'a capability beyond NET_BIND_SERVICE',
      hardenedPod,
      { securityContext: { ...hardenedContainer.securityContext, capabilities: { drop: ['ALL'], add: ['CHOWN'] } } },
      `${C0}.securityContext.capabilities.add[0]`,
      'capabilities',
    ],
    [
      'an NFS volume',
      { ...hardenedPod, volumes: [{ name: 'data', nfs: { server: 'x', path: '/' } }] },
      hardenedContainer,
      'spec.template.spec.volumes[0].nfs',
      'volume types',
    ],
  ])('refuses %s', (_, pod, container, field, rule) => {
    const message = refusalFor(deploymentOf(pod, container), restricted).message;
    expect(message).toContain(`${field}: `);
    expect(message).toContain(`[restricted: ${rule}]`);
  });
});
