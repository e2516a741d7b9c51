import type { GitAuth } from './git-auth';
import { GitCli } from './git-cli';

/**
 * The commit a branch of a remote repository points at (`git ls-remote`), or null when the branch
 * does not exist. Reads only the advertised refs: nothing is fetched or written to disk.
 */
export async function remoteBranchHead(
  git: GitCli,
  url: string,
  branch: string,
  auth: GitAuth,
): Promise<string | null> {
  const out = await git.run(['ls-remote', '--heads', url, `refs/heads/${branch}`], {
    config: auth.config,
    secrets: auth.secrets,
    timeoutMs: 30_000,
  });
  const line = out.split('\n').find((l) => l.endsWith(`\trefs/heads/${branch}`));
  return line ? line.split('\t')[0] : null;
}
