import { stringify } from 'yaml';
import { deploymentOf, policyFor, refusalFor, TARGET } from '../../../test/support/manifests';
import { parseManifest } from '../parse-manifest';
import { validateManifest } from '../validate-manifest';
import { ManifestPolicy } from './policy';

const NS = TARGET.namespace;
const C0 = 'spec.template.spec.containers[0]';
const object = (kind: string, apiVersion: string, spec: object, metadata: object = {}) =>
  stringify({ apiVersion, kind, metadata: { name: 'thing', ...metadata }, spec });
const accepted = (yaml: string, policy: ManifestPolicy = policyFor()) =>
  expect(() => validateManifest(parseManifest(yaml), policy)).not.toThrow();
const refusedWith = (yaml: string, field: string, rule: string, policy: ManifestPolicy = policyFor()) => {
  const message = refusalFor(yaml, policy).message;
  expect(message).toContain(`${field}: `);
  expect(message).toContain(`[platform: ${rule}]`);
};

describe('platform rules: Services reachable only inside the cluster', () => {
  it.each(['NodePort', 'LoadBalancer', 'ExternalName'])('refuses a %s Service', (type) => {
    refusedWith(object('Service', 'v1', { type, ports: [{ port: 80 }] }), 'spec.type', 'Service type');
  });

  it('refuses externalIPs and a nodePort', () => {
    refusedWith(object('Service', 'v1', { externalIPs: ['10.0.0.1'] }), 'spec.externalIPs', 'Service external IPs');
    refusedWith(
      object('Service', 'v1', { ports: [{ port: 80, nodePort: 30080 }] }),
      'spec.ports[0].nodePort',
      'Service type',
    );
  });

  it('accepts a ClusterIP Service, said or not, and a headless one', () => {
    accepted(object('Service', 'v1', { type: 'ClusterIP', ports: [{ port: 80 }] }));
    accepted(object('Service', 'v1', { clusterIP: 'None', ports: [{ port: 80 }] }));
  });
});

describe('platform rules: Ingress routes only the project’s own hosts', () => {
  const withDomain = policyFor({ ingressDomain: 'apps.example.com' });
  const own = `${NS}.apps.example.com`;
  const ingress = (spec: object, annotations?: object) =>
    object('Ingress', 'networking.k8s.io/v1', spec, annotations ? { annotations } : {});
  const rule = (host?: string) => ({
    ...(host === undefined ? {} : { host }),
    http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] },
  });

  it('accepts its own host and names under it, for rules and TLS', () => {
    accepted(
      ingress({ rules: [rule(own), rule(`api.${own}`)], tls: [{ hosts: [`*.${own}`], secretName: 'tls' }] }),
      withDomain,
    );
  });

  it('refuses another host, a rule without a host, and a default backend', () => {
    refusedWith(ingress({ rules: [rule('shop.example.com')] }), 'spec.rules[0].host', 'Ingress hosts', withDomain);
    refusedWith(
      ingress({ rules: [rule(`other.apps.example.com`)] }),
      'spec.rules[0].host',
      'Ingress hosts',
      withDomain,
    );
    refusedWith(ingress({ rules: [rule(`evil${own}`)] }), 'spec.rules[0].host', 'Ingress hosts', withDomain);
    refusedWith(ingress({ rules: [rule()] }), 'spec.rules[0].host', 'Ingress hosts', withDomain);
    refusedWith(
      ingress({ tls: [{ hosts: ['bank.example.com'] }] }),
      'spec.tls[0].hosts[0]',
      'Ingress hosts',
      withDomain,
    );
    refusedWith(
      ingress({ defaultBackend: { service: { name: 'web', port: { number: 80 } } } }),
      'spec.defaultBackend',
      'Ingress default backend',
      withDomain,
    );
  });

  it('refuses every host when no ingress domain is configured, saying so', () => {
    expect(refusalFor(ingress({ rules: [rule(own)] })).message).toContain('no ingress domain is configured');
  });

  it('refuses snippet annotations and controller annotations off the list; checks the values of those on it', () => {
    const spec = { rules: [rule(own)] };
    const key = (k: string) => `metadata.annotations["${k}"]`;
    for (const k of [
      'nginx.ingress.kubernetes.io/server-snippet',
      'nginx.ingress.kubernetes.io/configuration-snippet',
      'nginx.org/location-snippets',
      'nginx.ingress.kubernetes.io/auth-url',
      'alb.ingress.kubernetes.io/scheme',
    ]) {
      refusedWith(ingress(spec, { [k]: 'x' }), key(k), 'Ingress annotations', withDomain);
    }
    const redirect = 'nginx.ingress.kubernetes.io/rewrite-target';
    refusedWith(
      ingress(spec, { [redirect]: '/$1; }\nlocation /x {' }),
      key(redirect),
      'Ingress annotations',
      withDomain,
    );
    accepted(ingress(spec, { [redirect]: '/$1', 'kubernetes.io/ingress.class': 'nginx' }), withDomain);
  });
});

describe('platform rules: Secrets and other projects’ images', () => {
  it.each([
    [
      'a secret volume',
      { volumes: [{ name: 's', secret: { secretName: 'ncp-cr' } }] },
      {},
      'spec.template.spec.volumes[0].secret',
    ],
    [
      'a projected secret',
      {
        volumes: [
          { name: 's', projected: { sources: [{ configMap: { name: 'c' } }, { secret: { name: 'ncp-cr' } }] } },
        ],
      },
      {},
      'spec.template.spec.volumes[0].projected.sources[1].secret',
    ],
    [
      'a secretKeyRef',
      {},
      {
        env: [
          { name: 'A', value: 'b' },
          { name: 'K', valueFrom: { secretKeyRef: { name: 'ncp-cr', key: '.dockerconfigjson' } } },
        ],
      },
      `${C0}.env[1].valueFrom.secretKeyRef`,
    ],
    ['an envFrom secretRef', {}, { envFrom: [{ secretRef: { name: 'ncp-cr' } }] }, `${C0}.envFrom[0].secretRef`],
  ])('refuses %s', (_, pod, container, field) => {
    refusedWith(deploymentOf(pod, container), field, 'Secrets');
  });

  it("refuses a container running another project's image from the platform registry", () => {
    const sidecar = { initContainers: [{ name: 'peek', image: '127.0.0.1:4000/other-project:abc1234' }] };
    refusedWith(deploymentOf(sidecar), 'spec.template.spec.initContainers[0].image', 'registry images');
  });

  it('knows an NCR registry by its private endpoint too, and a host by any spelling', () => {
    const ncr = policyFor({ image: 'klepaas.kr.ncr.ntruss.com/acme-web:abc1234' });
    for (const image of [
      'klepaas.kr.private-ncr.ntruss.com/other-project:1',
      'KLEPAAS.kr.ncr.ntruss.com:443/other-project:1',
    ]) {
      refusedWith(
        deploymentOf({ initContainers: [{ name: 'peek', image }] }),
        'spec.template.spec.initContainers[0].image',
        'registry images',
        ncr,
      );
    }
    accepted(
      deploymentOf({ initContainers: [{ name: 'own', image: 'klepaas.kr.private-ncr.ntruss.com/acme-web:1' }] }),
      ncr,
    );
    accepted(deploymentOf({ initContainers: [{ name: 'theirs', image: 'other.kr.ncr.ntruss.com/tool:1' }] }), ncr);
  });

  it('accepts its own image at any tag and images of other registries', () => {
    const sidecars = {
      initContainers: [
        { name: 'migrate', image: '127.0.0.1:4000/acme-web:0000001' },
        { name: 'hub', image: 'busybox:1.36' },
        { name: 'ghcr', image: 'ghcr.io/acme/tool:1' },
      ],
    };
    accepted(deploymentOf(sidecars));
  });

  it("does not judge the app container's image, which the deploy replaces", () => {
    const yaml = deploymentOf({}, { image: '127.0.0.1:4000/placeholder:latest' });
    refusedWith(yaml, `${C0}.image`, 'registry images');
    accepted(yaml, policyFor({ app: { position: 1, containerIndex: 0, replicas: 1 } }));
  });
});

describe('platform rules: replicas bound on every workload', () => {
  const second = (replicas?: number) =>
    stringify({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'worker' },
      spec: {
        ...(replicas === undefined ? {} : { replicas }),
        selector: { matchLabels: { app: 'worker' } },
        template: {
          metadata: { labels: { app: 'worker' } },
          spec: { containers: [{ name: 'worker', image: 'busybox' }] },
        },
      },
    });
  const hpa = (target: string, maxReplicas: number, kind = 'Deployment') =>
    object('HorizontalPodAutoscaler', 'autoscaling/v2', {
      scaleTargetRef: { apiVersion: 'apps/v1', kind, name: target },
      minReplicas: 1,
      maxReplicas,
    });
  const app = (replicas: number) => policyFor({ app: { position: 1, containerIndex: 0, replicas } });

  it('refuses a Deployment over the bound on its own', () => {
    refusedWith(second(11), 'spec.replicas', 'replicas');
  });

  it('counts a second Deployment: the app at the replicas this deploy sets, plus the others', () => {
    const yaml = `${deploymentOf()}---\n${second(3)}`;
    accepted(yaml, app(7));
    const message = refusalFor(yaml, app(8)).message;
    expect(message).toContain('come to 11 pods in all (Deployment "acme-web" 8 + Deployment "worker" 3)');
    expect(message).toContain('[platform: replicas]');
    // Unset replicas count as Kubernetes' default, one.
    expect(refusalFor(`${deploymentOf()}---\n${second()}`, app(10)).message).toContain('11 pods in all');
  });

  it("counts an autoscaler's maxReplicas for the Deployment it scales, and bounds it", () => {
    const yaml = (max: number) => `${deploymentOf()}---\n${second(1)}---\n${hpa('worker', max)}`;
    accepted(yaml(8), app(2));
    expect(refusalFor(yaml(9), app(2)).message).toContain(
      'Deployment "worker" 9 (HorizontalPodAutoscaler "thing" spec.maxReplicas)',
    );
    refusedWith(yaml(50), 'spec.maxReplicas', 'replicas', app(1));
  });

  it('refuses an autoscaler of anything but a Deployment of this manifest', () => {
    refusedWith(`${deploymentOf()}---\n${hpa('elsewhere', 2)}`, 'spec.scaleTargetRef', 'replicas', app(1));
    refusedWith(
      `${deploymentOf()}---\n${hpa('acme-web', 2, 'StatefulSet')}`,
      'spec.scaleTargetRef',
      'replicas',
      app(1),
    );
  });
});
