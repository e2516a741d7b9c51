/** Manifests the mirror's tests start from: what developers really write, comments included. */
import { stringify } from 'yaml';
import { defaultPolicy, ManifestPolicy, parseManifest, validateManifest } from '../../src/manifest';
import { Refusal } from '../../src/refusal';

export const TARGET = {
  appName: 'acme-web',
  image: '127.0.0.1:4000/acme-web:abc1234',
  replicas: 3,
  namespace: 'klepaas-acme-web',
  containerPort: 8080,
};

/** kubectl's layout (sequences not indented), a comment on every line the mirror edits. */
export function commentedManifest(image = '127.0.0.1:4000/acme-web:old0001', namespace?: string): string {
  const ns = namespace ? `\n  namespace: ${namespace}` : '';
  return `# Deployment of the web app (kept by hand)
apiVersion: apps/v1
kind: Deployment
metadata:
  name: acme-web${ns}
  labels: {app: acme-web}
spec:
  replicas: 2 # scaled by K-Le-PaaS
  selector:
    matchLabels:
      app: acme-web
  template:
    metadata:
      labels:
        app: acme-web
    spec:
      containers:
      - name: acme-web
        image: "${image}" # replaced on every deploy
        ports:
        - containerPort: 8080
---
# The service in front of it
apiVersion: v1
kind: Service
metadata:
  name: acme-web${ns}
spec:
  selector: {app: acme-web}
  ports: [{port: 80, targetPort: 8080}]
`;
}

/** A Deployment whose pod spec gets `extra` appended (indented to the pod spec level). */
export function deploymentWith(podSpecExtra: string, containerExtra = '', metadataExtra = ''): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: acme-web${metadataExtra}
spec:
  selector:
    matchLabels: {app: acme-web}
  template:
    metadata:
      labels: {app: acme-web}
    spec:
      containers:
        - name: acme-web
          image: 127.0.0.1:4000/acme-web:old0001${containerExtra}
${podSpecExtra}`;
}

export function objectOf(kind: string, apiVersion: string, name = 'thing', extra = ''): string {
  return `apiVersion: ${apiVersion}
kind: ${kind}
metadata:
  name: ${name}
${extra}`;
}

/** The "billion laughs": nine levels of nine aliases each. */
export const ALIAS_BOMB = `a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
`;

/**
 * A Deployment of the app built from objects: `pod` merged into the pod spec, `container` into
 * the app container, `template` into the pod template's metadata.
 */
export function deploymentOf(
  pod: object = {},
  container: object = {},
  template: object = {},
  name = 'acme-web',
): string {
  return stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name }, ...template },
        spec: { containers: [{ name, image: '127.0.0.1:4000/acme-web:old0001', ...container }], ...pod },
      },
    },
  });
}

/** The policy of TARGET's project, with `changes`. */
export function policyFor(changes: Partial<ManifestPolicy> = {}): ManifestPolicy {
  return { ...defaultPolicy(TARGET.namespace, TARGET.image), ...changes };
}

/** The refusal validateManifest gives `yaml` under `policy`; fails the test when there is none. */
export function refusalFor(yaml: string, policy: ManifestPolicy = policyFor()): Refusal {
  try {
    validateManifest(parseManifest(yaml), policy);
  } catch (error) {
    if (error instanceof Refusal) return error;
    throw error;
  }
  throw new Error('expected the manifest to be refused');
}
