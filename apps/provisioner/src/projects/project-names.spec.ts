import { deriveProjectNames, NAME_LIMITS, projectSuffix, SUFFIX_LENGTH } from './project-names';

const ID = '3f2b8c1e-5d4a-4e2b-9c3d-7a1b2c3d4e5f';
const OTHER = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f2a3b4c5d';

describe('deriveProjectNames', () => {
  it('derives lower-cased names from owner and repo, each NCP name and the namespace ending with the project suffix', () => {
    const suffix = projectSuffix(ID);
    expect(suffix).toMatch(new RegExp(`^[a-z0-9]{${SUFFIX_LENGTH}}$`));
    expect(deriveProjectNames('Acme', 'Web.App', ID, { plainImage: true })).toEqual({
      sourceCommitRepository: `acme-web-app-${suffix}`,
      sourceBuildProject: `acme-web-app-${suffix}`,
      sourceDeployProject: `acme-web-app-${suffix}`,
      sourcePipeline: `acme-web-app-${suffix}`,
      imageName: 'acme-web-app',
      namespace: `acme-web-app-${suffix}`,
    });
    expect(deriveProjectNames('Acme', 'Web.App', ID).imageName).toBe(`acme-web-app-${suffix}`);
  });

  it('is stable for a project and differs between projects, even of the same repository', () => {
    expect(deriveProjectNames('acme', 'web', ID)).toEqual(deriveProjectNames('acme', 'web', ID));
    const again = deriveProjectNames('acme', 'web', OTHER);
    const first = deriveProjectNames('acme', 'web', ID);
    for (const key of Object.keys(first) as Array<keyof typeof first>) expect(again[key]).not.toBe(first[key]);
    expect(deriveProjectNames('acme', 'web', ID, { salt: 1 }).namespace).not.toBe(first.namespace);
  });

  it('gives repositories that would meet (a-b/c and a/b-c) different names', () => {
    const one = deriveProjectNames('a-b', 'c', ID);
    const two = deriveProjectNames('a', 'b-c', OTHER);
    for (const key of Object.keys(one) as Array<keyof typeof one>) {
      expect(one[key].startsWith('a-b-c')).toBe(true);
      expect(one[key]).not.toBe(two[key]);
    }
  });

  it('keeps every name within its service limit, the suffix kept whole when the rest is shortened', () => {
    const names = deriveProjectNames(
      'an-organisation-with-a-long-name',
      'and-a-repository-with-an-even-longer-name-that-goes-on-and-on-past-eighty-characters',
      ID,
    );
    for (const [key, limit] of Object.entries(NAME_LIMITS)) {
      expect(names[key as keyof typeof names].length).toBeLessThanOrEqual(limit);
      expect(names[key as keyof typeof names].endsWith(`-${projectSuffix(ID)}`)).toBe(true);
    }
    expect(names.sourcePipeline).toMatch(new RegExp(`^an-organisation-with-${projectSuffix(ID)}$`));
  });

  it('makes image names and namespaces valid for the registry and Kubernetes', () => {
    for (const options of [{}, { plainImage: true }]) {
      const names = deriveProjectNames('_Under_', 'repo__.-', ID, options);
      expect(names.imageName).toMatch(/^[a-z0-9]+(([._]|__|[-]*)[a-z0-9]+)*$/);
      expect(names.namespace).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    }
  });
});
