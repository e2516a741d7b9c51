import { parseAllDocuments } from 'yaml';
import { policyFor, TARGET } from '../../test/support/manifests';
import { defaultManifest } from './default-manifest';
import { parseManifest } from './parse-manifest';
import { validateManifest } from './validate-manifest';

describe('defaultManifest', () => {
  const text = defaultManifest(TARGET);
  const [deployment, service] = parseAllDocuments(text).map((d) => d.toJS());

  it('is a Deployment and a Service in one multi-document file, in the project namespace', () => {
    expect([deployment.kind, service.kind]).toEqual(['Deployment', 'Service']);
    expect([deployment.metadata.namespace, service.metadata.namespace]).toEqual([TARGET.namespace, TARGET.namespace]);
    expect(service.spec).toEqual({
      selector: { app: 'acme-web' },
      ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }],
    });
  });

  it("runs the image with the seed's defaults: port, PORT, resources and the NCR pull secret", () => {
    expect(deployment.spec.replicas).toBe(3);
    expect(deployment.spec.selector.matchLabels).toEqual({ app: 'acme-web' });
    const pod = deployment.spec.template.spec;
    expect(pod.imagePullSecrets).toEqual([{ name: 'ncp-cr' }]);
    expect(pod.containers).toEqual([
      {
        name: 'acme-web',
        image: TARGET.image,
        ports: [{ containerPort: 8080 }],
        env: [{ name: 'PORT', value: '8080' }],
        resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '200m', memory: '256Mi' } },
      },
    ]);
  });

  it('says who wrote it, uses no anchors, and passes the checks it imposes on others', () => {
    expect(text.startsWith('# Written by K-Le-PaaS')).toBe(true);
    expect(text).not.toMatch(/[&*][a-z]/);
    expect(() => validateManifest(parseManifest(text), policyFor())).not.toThrow();
  });

  it('passes the restricted profile when the project asks for it, and stays as it was otherwise', () => {
    const restricted = defaultManifest({ ...TARGET, podSecurity: 'restricted' });
    expect(() => validateManifest(parseManifest(restricted), policyFor({ podSecurity: 'restricted' }))).not.toThrow();
    expect(() => validateManifest(parseManifest(text), policyFor({ podSecurity: 'restricted' }))).toThrow(
      /restricted: privilege escalation/,
    );
    expect(defaultManifest({ ...TARGET, podSecurity: 'baseline' })).toBe(text);
  });

  it('is the same bytes for the same request', () => {
    expect(defaultManifest({ ...TARGET })).toBe(text);
  });
});
