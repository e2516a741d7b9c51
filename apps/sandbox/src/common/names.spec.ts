import { isValidBranchName } from './names';

describe('branch names', () => {
  it('accepts what git accepts', () => {
    for (const name of ['main', 'feature/x', 'release-1.2', 'a_b']) expect(isValidBranchName(name)).toBe(true);
  });

  it('refuses what git check-ref-format refuses', () => {
    for (const name of ['', '-x', 'a..b', 'a b', 'a~1', 'x.lock', 'a//b', '.hidden', 'a/.b', 'end/', 'a@{1}', 'q?'])
      expect(isValidBranchName(name)).toBe(false);
  });
});
