import { parse } from 'yaml';
import { Refusal } from '../refusal';
import { commentedManifest, deploymentWith, TARGET } from '../../test/support/manifests';
import { prepareManifest } from './prepare-manifest';

describe('prepareManifest', () => {
  it('writes the default manifest when the repository has none', () => {
    expect(prepareManifest(null, TARGET)).toMatchObject({ created: true, oldTag: null, oldReplicas: null });
  });

  it('treats a manifest of comments only as none', () => {
    expect(prepareManifest('# nothing yet\n', TARGET).created).toBe(true);
  });

  it("updates the repository's own manifest", () => {
    const result = prepareManifest(commentedManifest(), TARGET);
    expect(result).toMatchObject({ created: false, oldTag: 'old0001', oldReplicas: 2 });
    expect(parse(result.text.split('---')[0]).spec.template.spec.containers[0].image).toBe(TARGET.image);
  });

  it('checks the manifest before touching it: the namespace it names is refused, not overwritten', () => {
    expect(() => prepareManifest(commentedManifest(undefined, 'default'), TARGET)).toThrow(Refusal);
    expect(() => prepareManifest(deploymentWith('      hostPID: true\n'), TARGET)).toThrow(/hostPID/);
  });
});
