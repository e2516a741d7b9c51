import { Refusal } from '../refusal';
import { ALIAS_BOMB, commentedManifest } from '../../test/support/manifests';
import { parseManifest } from './parse-manifest';

function refusalOf(run: () => unknown): Refusal {
  try {
    run();
  } catch (error) {
    if (error instanceof Refusal) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('parseManifest', () => {
  it('reads every document of a multi-document file as a Kubernetes object', () => {
    const parsed = parseManifest(commentedManifest());
    expect(parsed.objects.map((o) => [o.position, o.kind, o.name])).toEqual([
      [1, 'Deployment', 'acme-web'],
      [2, 'Service', 'acme-web'],
    ]);
  });

  it('skips empty documents such as a trailing ---', () => {
    const parsed = parseManifest(`${commentedManifest()}---\n`);
    expect(parsed.documents).toHaveLength(3);
    expect(parsed.objects).toHaveLength(2);
  });

  it('refuses a file over the size cap before parsing it', () => {
    const big = `# ${'x'.repeat(300 * 1024)}\n`;
    const refusal = refusalOf(() => parseManifest(big));
    expect(refusal.code).toBe('manifest_too_large');
    expect(refusal.message).toMatch(/k8s\/deployment\.yaml is 300\.\d KB; manifests over 256 KB are refused/);
  });

  it('honours a smaller cap when given one', () => {
    expect(refusalOf(() => parseManifest(commentedManifest(), { maxBytes: 100, maxAliasCount: 50 })).code).toBe(
      'manifest_too_large',
    );
  });

  it('refuses an alias bomb without expanding it', () => {
    const started = Date.now();
    const refusal = refusalOf(() => parseManifest(ALIAS_BOMB));
    expect(refusal.code).toBe('manifest_alias_limit');
    expect(refusal.message).toContain('alias bomb');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('accepts a few ordinary aliases', () => {
    const yaml = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels: &l {app: a}\n  annotations: *l\n`;
    expect(parseManifest(yaml).objects[0].value.metadata.annotations).toEqual({ app: 'a' });
  });

  it('refuses YAML that does not parse, saying where', () => {
    const refusal = refusalOf(() => parseManifest('apiVersion: v1\nkind: [Service\nmetadata: }\n'));
    expect(refusal.code).toBe('manifest_invalid');
    expect(refusal.message).toMatch(/is not valid YAML \(document 1\): .*line \d+/s);
  });

  it('refuses duplicate keys, which would let the checks and Kubernetes see different values', () => {
    const refusal = refusalOf(() => parseManifest('apiVersion: v1\nkind: Service\nkind: Pod\nmetadata: {name: a}\n'));
    expect(refusal.code).toBe('manifest_invalid');
  });

  it('refuses a document that is not a Kubernetes object', () => {
    const refusal = refusalOf(() => parseManifest(`${commentedManifest()}---\n- just\n- a list\n`));
    expect(refusal.code).toBe('manifest_invalid');
    expect(refusal.message).toContain('document 3 is not a Kubernetes object');
  });

  it('reads YAML 1.1 booleans and merge keys as Kubernetes does', () => {
    const yaml = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\nbase: &b {flag: yes}\ndata:\n  <<: *b\n`;
    expect(parseManifest(yaml).objects[0].value.data).toEqual({ flag: true });
  });
});
