import { parse, parseAllDocuments } from 'yaml';
import { Refusal } from '../refusal';
import { commentedManifest, deploymentWith, TARGET } from '../../test/support/manifests';
import { parseManifest } from './parse-manifest';
import { updateManifest } from './update-manifest';

const update = (yaml: string, target = TARGET) => updateManifest(parseManifest(yaml), target);
const objects = (yaml: string) => parseAllDocuments(yaml).map((d) => d.toJS());

function refusalOf(run: () => unknown): Refusal {
  try {
    run();
  } catch (error) {
    if (error instanceof Refusal) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('updateManifest', () => {
  it('sets the image and replicas, and reports the old ones', () => {
    const result = update(commentedManifest());
    const [deployment] = objects(result.text);
    expect(deployment.spec.replicas).toBe(3);
    expect(deployment.spec.template.spec.containers[0].image).toBe(TARGET.image);
    expect(result).toMatchObject({ oldTag: 'old0001', oldReplicas: 2 });
  });

  it('keeps comments, quoting and the kubectl layout', () => {
    const { text } = update(commentedManifest());
    expect(text).toContain('# Deployment of the web app (kept by hand)');
    expect(text).toContain('  replicas: 3 # scaled by K-Le-PaaS');
    expect(text).toContain(`        image: "${TARGET.image}" # replaced on every deploy`);
    expect(text).toContain('      containers:\n      - name: acme-web'); // sequences stay unindented
    expect(text).toContain('  labels: {app: acme-web}');
    expect(text).toContain('# The service in front of it');
  });

  it('changes nothing but the image, the replicas and the namespace', () => {
    const before = commentedManifest();
    const after = update(before).text;
    const expected = before
      .replace('old0001', 'abc1234')
      .replace('replicas: 2', 'replicas: 3')
      .replace('  labels: {app: acme-web}\n', `  labels: {app: acme-web}\n  namespace: ${TARGET.namespace}\n`)
      .replace(
        '  name: acme-web\nspec:\n  selector',
        `  name: acme-web\n  namespace: ${TARGET.namespace}\nspec:\n  selector`,
      );
    expect(after).toBe(expected);
  });

  it('sets the project namespace on every object of a multi-document file', () => {
    const { text } = update(commentedManifest());
    expect(objects(text).map((o) => o.metadata.namespace)).toEqual([TARGET.namespace, TARGET.namespace]);
  });

  it('leaves a document it did not change byte for byte', () => {
    const before = commentedManifest(undefined, TARGET.namespace);
    const after = update(before).text;
    const service = before.slice(before.indexOf('---\n'));
    expect(after.endsWith(service)).toBe(true);
  });

  it('adds replicas when the Deployment had none, reporting null as the old value', () => {
    const result = update(deploymentWith(''));
    expect(parse(result.text).spec.replicas).toBe(3);
    expect(result.oldReplicas).toBeNull();
  });

  it('gives the same bytes when run again on its own output (a redone job commits the same tree)', () => {
    const once = update(commentedManifest()).text;
    expect(update(once).text).toBe(once);
  });

  it('finds the app container by name among several', () => {
    const yaml = deploymentWith('', '\n        - name: sidecar\n          image: envoy:1').replace(
      '        - name: acme-web\n          image: 127.0.0.1:4000/acme-web:old0001',
      '        - name: sidecar0\n          image: busybox\n        - name: acme-web\n          image: 127.0.0.1:4000/acme-web:old0001',
    );
    const containers = parse(update(yaml).text).spec.template.spec.containers;
    expect(containers.map((c: any) => c.image)).toEqual(['busybox', TARGET.image, 'envoy:1']);
  });

  it('finds the app container by its image when it has another name', () => {
    const yaml = deploymentWith('', '\n        - name: sidecar\n          image: envoy:1').replace(
      'name: acme-web\n          image',
      'name: main\n          image',
    );
    const containers = parse(update(yaml).text).spec.template.spec.containers;
    expect(containers.map((c: any) => c.image)).toEqual([TARGET.image, 'envoy:1']);
  });

  it('takes the only container of the only Deployment whatever its name and image', () => {
    const yaml = deploymentWith('').replace(
      'name: acme-web\n          image: 127.0.0.1:4000/acme-web:old0001',
      'name: x\n          image: nginx',
    );
    expect(parse(update(yaml).text).spec.template.spec.containers[0].image).toBe(TARGET.image);
  });

  it('refuses to guess between two candidate containers', () => {
    const yaml = deploymentWith('', '\n        - name: other\n          image: 127.0.0.1:4000/acme-web:v0').replace(
      'name: acme-web\n          image',
      'name: main\n          image',
    );
    const refusal = refusalOf(() => update(yaml));
    expect(refusal.code).toBe('manifest_unsupported');
    expect(refusal.message).toContain('has 2 containers running 127.0.0.1:4000/acme-web');
    expect(refusal.message).toContain('name the app container "acme-web"');
  });

  it('refuses a manifest without a Deployment to put the image in', () => {
    const refusal = refusalOf(() => update('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n'));
    expect(refusal.message).toContain('has no Deployment with containers');
  });
});
