import { GitCommandError } from '@klepaas/git';
import { classifyRemoteFailure } from './git-errors';

const failure = (stderr: string) => new GitCommandError(['push'], 1, stderr);

describe('classifyRemoteFailure', () => {
  it.each([
    ["remote: Repository not found.\nfatal: repository 'http://x/a.git/' not found", 'not-found'],
    ["fatal: unable to access 'http://x/a.git/': The requested URL returned error: 404", 'not-found'],
    ["fatal: unable to access 'http://x/a.git/': The requested URL returned error: 401", 'auth'],
    ["fatal: Authentication failed for 'http://x/a.git/'", 'auth'],
    [' ! [remote rejected] abc -> main (pre-receive hook declined)', 'rejected'],
    ["fatal: unable to access 'http://x/a.git/': The requested URL returned error: 503", 'transient'],
    ["fatal: unable to access 'http://x/a.git/': Failed to connect to x port 80: Connection refused", 'transient'],
    ['error: RPC failed; curl 18 transfer closed with outstanding read data remaining', 'transient'],
  ])('reads %j as %s', (stderr, expected) => {
    expect(classifyRemoteFailure(failure(stderr))).toBe(expected);
  });

  it('counts anything that is not a git failure as transient', () => {
    expect(classifyRemoteFailure(new Error('spawn git ENOENT'))).toBe('transient');
  });
});
