import { Refusal } from '../refusal';
import { commentedManifest, deploymentWith, objectOf, TARGET } from '../../test/support/manifests';
import { parseManifest } from './parse-manifest';
import { validateManifest } from './validate-manifest';

const NS = TARGET.namespace;

function refusalFor(yaml: string): Refusal {
  try {
    validateManifest(parseManifest(yaml), NS);
  } catch (error) {
    if (error instanceof Refusal) return error;
    throw error;
  }
  throw new Error('expected the manifest to be refused');
}

describe('validateManifest (architecture decision 7)', () => {
  it('accepts a Deployment and a Service without a namespace, or in the project namespace', () => {
    expect(() => validateManifest(parseManifest(commentedManifest()), NS)).not.toThrow();
    expect(() => validateManifest(parseManifest(commentedManifest(undefined, NS)), NS)).not.toThrow();
  });

  it('accepts every allowed kind', () => {
    const yaml = [
      objectOf('ConfigMap', 'v1'),
      objectOf('Ingress', 'networking.k8s.io/v1'),
      objectOf('HorizontalPodAutoscaler', 'autoscaling/v2'),
      objectOf('PodDisruptionBudget', 'policy/v1'),
    ].join('---\n');
    expect(() => validateManifest(parseManifest(yaml), NS)).not.toThrow();
  });

  it.each([
    ['ClusterRoleBinding', 'rbac.authorization.k8s.io/v1'],
    ['Namespace', 'v1'],
    ['DaemonSet', 'apps/v1'],
    ['Pod', 'v1'],
  ])('refuses kind %s', (kind, apiVersion) => {
    const refusal = refusalFor(objectOf(kind, apiVersion));
    expect(refusal.code).toBe('manifest_forbidden');
    expect(refusal.message).toContain(`document 1 (${kind} "thing"): kind ${kind} is not allowed (allowed: Deployment`);
  });

  it('refuses a custom resource that only calls itself a Deployment', () => {
    expect(refusalFor(objectOf('Deployment', 'evil.example.com/v1')).message).toContain(
      'apiVersion evil.example.com/v1 is not the Kubernetes Deployment',
    );
  });

  it('refuses an object in another namespace', () => {
    const refusal = refusalFor(commentedManifest(undefined, 'kube-system'));
    expect(refusal.message).toContain(
      `document 1 (Deployment "acme-web"): namespace "kube-system" is not this project's namespace "${NS}"`,
    );
  });

  it('refuses a privileged container, however the true is spelled', () => {
    for (const spelled of ['true', 'yes', 'on', '"true"']) {
      const yaml = deploymentWith('', `\n          securityContext:\n            privileged: ${spelled}`);
      expect(refusalFor(yaml).message).toContain(
        'container "acme-web" is privileged (securityContext.privileged: true)',
      );
    }
  });

  it('refuses a privileged init container and one made privileged through a merge key', () => {
    const init = deploymentWith(
      '      initContainers:\n        - name: setup\n          securityContext: {privileged: true}\n',
    );
    expect(refusalFor(init).message).toContain('container "setup" is privileged');
    const merged = deploymentWith('', '\n          securityContext:\n            <<: {privileged: true}');
    expect(refusalFor(merged).message).toContain('container "acme-web" is privileged');
  });

  it.each(['hostNetwork', 'hostPID', 'hostIPC'])('refuses %s', (field) => {
    expect(refusalFor(deploymentWith(`      ${field}: true\n`)).message).toContain(
      `${field}: true shares the node's namespaces`,
    );
  });

  it('refuses a hostPath volume', () => {
    const yaml = deploymentWith('      volumes:\n        - name: root\n          hostPath: {path: /}\n');
    expect(refusalFor(yaml).message).toContain('volume "root" mounts the node\'s path "/" (hostPath)');
  });

  it('names every problem at once', () => {
    const yaml = `${deploymentWith('      hostNetwork: true\n', '', '\n  namespace: other')}---\n${objectOf('Secret', 'v1')}`;
    const refusal = refusalFor(yaml);
    expect(refusal.message.split('; ')).toHaveLength(3);
  });
});
