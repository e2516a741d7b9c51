import { deriveProjectNames, NAME_LIMITS } from './project-names';

describe('deriveProjectNames', () => {
  it('derives lower-cased names from owner and repo', () => {
    const names = deriveProjectNames('Acme', 'Web.App', 42);
    expect(names).toEqual({
      sourceCommitRepository: 'acme-web-app',
      sourceBuildProject: 'acme-web-app',
      sourceDeployProject: 'acme-web-app',
      sourcePipeline: 'acme-web-app',
      imageName: 'acme-web-app',
      namespace: 'acme-web-app',
    });
  });

  it('keeps every name within its service limit, with a hash suffix when shortened', () => {
    const names = deriveProjectNames(
      'an-organisation-with-a-long-name',
      'and-a-repository-with-an-even-longer-name',
      7,
    );
    for (const [key, limit] of Object.entries(NAME_LIMITS)) {
      expect(names[key as keyof typeof names].length).toBeLessThanOrEqual(limit);
    }
    expect(names.sourcePipeline).toMatch(/^an-organisation-with-a-[0-9a-f]{6}$/);
  });

  it('gives repositories that would meet (a-b/c and a/b-c) different names when hashed by repository id', () => {
    const first = deriveProjectNames('a-b', 'c', 1);
    const second = deriveProjectNames('a', 'b-c', 2);
    expect(first.sourcePipeline).toBe(second.sourcePipeline);
    const hashed = deriveProjectNames('a', 'b-c', 2, true);
    expect(hashed.sourcePipeline).not.toBe(first.sourcePipeline);
    expect(hashed).toEqual(deriveProjectNames('a', 'b-c', 2, true));
  });

  it('makes image names and namespaces valid for the registry and Kubernetes', () => {
    const names = deriveProjectNames('_Under_', 'repo__.-', 3);
    expect(names.imageName).toMatch(/^[a-z0-9]+(([._]|__|[-]*)[a-z0-9]+)*$/);
    expect(names.namespace).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  });
});
