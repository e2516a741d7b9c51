import { execFileSync } from 'node:child_process';
import { isValidBranchName } from './git-ref';

/** git's own verdict, as the independent check: a valid ref, and a name `--branch` takes. */
function gitAccepts(name: string): boolean {
  try {
    execFileSync('git', ['check-ref-format', `refs/heads/${name}`], { stdio: 'ignore' });
    execFileSync('git', ['check-ref-format', '--branch', name], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('isValidBranchName', () => {
  it.each([
    'main',
    'release/1.2',
    'feature/x-y_z',
    'v1.0',
    'a.b/c.d',
    'user@host',
    '',
    '-main',
    'a..b',
    'a b',
    'a~b',
    'a^b',
    'a:b',
    'a?b',
    'a*b',
    'a[b',
    'a\\b',
    'a/',
    'a.',
    'a.lock',
    'a/.b',
    '.a',
    'a//b',
    'a@{b',
    'a/b.lock/c',
    'tab\there',
  ])('agrees with git check-ref-format about %j', (name) => {
    expect(isValidBranchName(name)).toBe(gitAccepts(name));
  });

  it('refuses "@", which git reads as HEAD rather than as a branch', () => {
    expect(isValidBranchName('@')).toBe(false);
  });
});
