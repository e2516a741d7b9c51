import { GitCommandError } from '@klepaas/git';

/** What a failed fetch or push means for the job. */
export type RemoteFailure = 'not-found' | 'auth' | 'rejected' | 'transient';

/**
 * Reads git's own words (LC_ALL=C) to tell failures apart. Anything not recognised counts as
 * transient: a wrong guess then costs a few retries and a parked message, never a deploy
 * refused for good because of a network blip.
 */
export function classifyRemoteFailure(error: unknown): RemoteFailure {
  if (!(error instanceof GitCommandError)) return 'transient';
  const text = error.stderr;
  if (/\[remote rejected\]|pre-receive hook declined|protected branch/i.test(text)) return 'rejected';
  if (/repository not found|requested URL returned error: 404|does not appear to be a git repository/i.test(text)) {
    return 'not-found';
  }
  if (/requested URL returned error: 40[13]|authentication failed|could not read Username/i.test(text)) return 'auth';
  return 'transient';
}
