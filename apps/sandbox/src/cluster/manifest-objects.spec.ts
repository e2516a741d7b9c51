import { imagesOf, parseImageReference, parseManifest } from './manifest-objects';

const deployment = (extra = '') => `apiVersion: apps/v1
kind: Deployment
metadata: { name: web${extra} }
spec:
  replicas: 2
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers: [{ name: app, image: "127.0.0.1:4000/web:v1" }]
`;

describe('reading manifests as Kubernetes objects', () => {
  it('reads every document, skips empty ones, and puts objects without a namespace in default', () => {
    const parsed = parseManifest(
      `---\n${deployment()}---\n---\napiVersion: v1\nkind: Service\nmetadata: { name: web, namespace: team }\n`,
      'k8s.yaml',
    );
    expect('objects' in parsed && parsed.objects.map((o) => [o.kind, o.namespace])).toEqual([
      ['Deployment', 'default'],
      ['Service', 'team'],
    ]);
  });

  it('explains why a document is not a Kubernetes object', () => {
    expect(parseManifest('- a\n- b\n', 'f.yaml')).toEqual({ error: expect.stringMatching(/must be a mapping/) });
    expect(parseManifest('kind: Service\nmetadata: { name: x }\n', 'f.yaml')).toEqual({
      error: expect.stringMatching(/apiVersion is missing/),
    });
    expect(parseManifest('apiVersion: v1\nkind: Service\nmetadata: { name: Not_Valid }\n', 'f.yaml')).toEqual({
      error: expect.stringMatching(/DNS-1123/),
    });
    expect(parseManifest('a: [unclosed\n', 'f.yaml')).toEqual({ error: expect.stringMatching(/not valid YAML/) });
    expect(parseManifest('', 'f.yaml')).toEqual({ error: expect.stringMatching(/no Kubernetes objects/) });
  });

  it('refuses a Deployment whose selector does not match its template labels', () => {
    expect(
      parseManifest(deployment().replace('matchLabels: { app: web }', 'matchLabels: { app: other }'), 'f.yaml'),
    ).toEqual({ error: expect.stringMatching(/selector/) });
  });

  it('lists the images of workloads', () => {
    const parsed = parseManifest(deployment(), 'f.yaml');
    expect('objects' in parsed && imagesOf(parsed.objects[0])).toEqual(['127.0.0.1:4000/web:v1']);
  });

  it('splits image references like docker: host only when the first part has a dot, a colon or is localhost', () => {
    expect(parseImageReference('127.0.0.1:4000/team/web:v1')).toEqual({
      host: '127.0.0.1:4000',
      name: 'team/web',
      reference: 'v1',
    });
    expect(parseImageReference('nginx')).toEqual({ host: undefined, name: 'nginx', reference: 'latest' });
    expect(parseImageReference('library/nginx:1.27')).toEqual({
      host: undefined,
      name: 'library/nginx',
      reference: '1.27',
    });
    expect(parseImageReference('reg.kr.ncr.ntruss.com/web@sha256:abc')).toEqual({
      host: 'reg.kr.ncr.ntruss.com',
      name: 'web',
      reference: 'sha256:abc',
    });
  });
});
