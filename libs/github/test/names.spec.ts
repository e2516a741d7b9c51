import { isValidGithubOwner, isValidGithubRepoName } from '@klepaas/github';

describe('GitHub owner names', () => {
  it.each(['a', 'octocat', 'Octo-Cat', 'a1-b2-c3', '0', 'x'.repeat(39)])('accepts %s', (name) => {
    expect(isValidGithubOwner(name)).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['40 characters', 'x'.repeat(40)],
    ['a leading hyphen', '-octo'],
    ['a trailing hyphen', 'octo-'],
    ['two hyphens in a row', 'oc--to'],
    ['an underscore', 'octo_cat'],
    ['a dot', 'octo.cat'],
    ['a slash', 'octo/cat'],
    ['a space', 'octo cat'],
    ['a non-ASCII letter', 'öcto'],
  ])('refuses a name with %s', (_, name) => {
    expect(isValidGithubOwner(name)).toBe(false);
  });

  it('refuses a value that is not a string', () => {
    expect(isValidGithubOwner(42 as unknown as string)).toBe(false);
  });
});

describe('GitHub repository names', () => {
  it.each(['a', 'hello-world', 'hello_world', 'v1.2.3', '.github', '...', '-x-', 'x'.repeat(100), 'repo.gitx'])(
    'accepts %s',
    (name) => {
      expect(isValidGithubRepoName(name)).toBe(true);
    },
  );

  it.each([
    ['empty', ''],
    ['101 characters', 'x'.repeat(101)],
    ['only a dot', '.'],
    ['two dots', '..'],
    ['.git at the end', 'repo.git'],
    ['.GIT at the end', 'repo.GIT'],
    ['a slash', 'a/b'],
    ['a space', 'a b'],
    ['a percent sign', 'a%2e'],
    ['a non-ASCII letter', 'répo'],
  ])('refuses a name with %s', (_, name) => {
    expect(isValidGithubRepoName(name)).toBe(false);
  });
});
