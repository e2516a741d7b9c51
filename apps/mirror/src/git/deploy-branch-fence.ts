import { GitAuth, GitCli, remoteBranchHead } from '@klepaas/git';
import { sequenceOf } from '../job/commit-message';
import { Refusal } from '../refusal';
import { MirrorCache } from './mirror-cache';

/** What the target branch held when the job looked, and which run put it there. */
export interface ObservedBranch {
  head: string | null;
  /** The sequence in the head's message; null when the head is not a mirrored commit (or absent). */
  sequence: number | null;
}

/**
 * The fence between runs of one project on the deploy branch: a job never replaces a commit a
 * later run (a higher sequence) already pushed, and pushes only over the head it observed
 * (`--force-with-lease`), so a job that took minutes (a slow first clone) cannot land after a
 * newer run's push however the two interleave.
 */
export class DeployBranchFence {
  constructor(
    private readonly git: GitCli,
    private readonly cache: MirrorCache,
  ) {}

  async observe(gitDir: string, url: string, target: string, branch: string, auth: GitAuth): Promise<ObservedBranch> {
    const head = await remoteBranchHead(this.git, url, branch, auth);
    if (!head) return { head: null, sequence: null };
    await this.cache.withObject(
      gitDir,
      head,
      url,
      `refs/heads/${branch}`,
      `refs/klepaas/target/${target}/${branch}`,
      auth,
    );
    const message = await this.git.run(['log', '-1', '--format=%B', head], { gitDir });
    return { head, sequence: sequenceOf(message) };
  }

  /** Refuses a push that would replace a later run's commit. */
  check(observed: ObservedBranch, sequence: number, branch: string): void {
    if (observed.sequence !== null && observed.sequence > sequence) {
      throw new Refusal(
        'superseded',
        `${branch} already holds ${observed.head!.slice(0, 7)} of a later run (sequence ${observed.sequence} > ${sequence})`,
      );
    }
  }
}
