import type { GitCli } from '@klepaas/git';

/** Author and committer of a commit, as git's environment variables. */
export type CommitIdentity = Record<
  | 'GIT_AUTHOR_NAME'
  | 'GIT_AUTHOR_EMAIL'
  | 'GIT_AUTHOR_DATE'
  | 'GIT_COMMITTER_NAME'
  | 'GIT_COMMITTER_EMAIL'
  | 'GIT_COMMITTER_DATE',
  string
>;

/**
 * The source commit's author and committer, names, emails and dates with their time zones.
 * The manifest commit takes them (architecture decision 5): nothing in it depends on when or
 * where the job ran, so a redone job makes the very same commit.
 */
export async function identityOf(git: GitCli, gitDir: string, sha: string): Promise<CommitIdentity> {
  // %an and not %aN: the raw header, untouched by any mailmap. Raw dates keep the time zone.
  const out = await git.run(['show', '-s', '--date=raw', '--format=%an%x00%ae%x00%ad%x00%cn%x00%ce%x00%cd', sha], {
    gitDir,
  });
  const [an, ae, ad, cn, ce, cd] = out.replace(/\n$/, '').split('\0');
  return {
    GIT_AUTHOR_NAME: nameOr(an, ae),
    GIT_AUTHOR_EMAIL: ae ?? '',
    // "@" forces the epoch reading even for very old timestamps.
    GIT_AUTHOR_DATE: `@${ad}`,
    GIT_COMMITTER_NAME: nameOr(cn, ce),
    GIT_COMMITTER_EMAIL: ce ?? '',
    GIT_COMMITTER_DATE: `@${cd}`,
  };
}

/** git refuses an empty name; fall back to something derived from the commit itself, never the clock. */
function nameOr(name: string | undefined, email: string | undefined): string {
  return name?.trim() || email?.split('@')[0] || 'unknown';
}
