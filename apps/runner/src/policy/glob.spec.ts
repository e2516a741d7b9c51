import { matchesAny } from './glob';

describe('path filters', () => {
  it.each([
    ['src/**', 'src/app/main.ts', true],
    ['src/**', 'test/app.ts', false],
    ['src/*.ts', 'src/main.ts', true],
    ['src/*.ts', 'src/app/main.ts', false],
    ['*.md', 'docs/guide/intro.md', true],
    ['docs/', 'docs/a/b.txt', true],
    ['**/Dockerfile', 'Dockerfile', true],
    ['**/Dockerfile', 'services/api/Dockerfile', true],
    ['k8s/deployment.yaml', 'k8s/deployment.yaml', true],
    ['k8s/deployment.yaml', 'k8s/deployment.yml', false],
    ['src/?.ts', 'src/a.ts', true],
    ['a+b/(c)', 'a+b/(c)', true],
  ])('%s against %s is %s', (pattern, path, expected) => {
    expect(matchesAny(path, [pattern])).toBe(expected);
  });
});
