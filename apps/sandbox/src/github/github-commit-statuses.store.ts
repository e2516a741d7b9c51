import { Injectable } from '@nestjs/common';
import { Sequence } from '../common/ids';
import { ResetHooks } from '../common/reset-hooks';

export const COMMIT_STATES = ['error', 'failure', 'pending', 'success'] as const;
export type CommitState = (typeof COMMIT_STATES)[number];

export interface GhCommitStatus {
  id: number;
  repoId: number;
  sha: string;
  state: CommitState;
  context: string;
  description: string;
  targetUrl: string;
  createdAt: string;
}

/** Commit statuses, per repository, oldest first (GitHub shows the newest per context). */
@Injectable()
export class GithubCommitStatuses {
  private statuses: GhCommitStatus[] = [];
  private readonly ids = new Sequence(2000001);

  constructor(resetHooks: ResetHooks) {
    resetHooks.register(() => {
      this.statuses = [];
      this.ids.reset();
    });
  }

  add(input: Omit<GhCommitStatus, 'id' | 'createdAt'>): GhCommitStatus {
    const status = { ...input, id: this.ids.take(), createdAt: new Date().toISOString() };
    this.statuses.push(status);
    return status;
  }

  /** Oldest first. */
  list(repoId?: number, sha?: string): GhCommitStatus[] {
    return this.statuses.filter((s) => (repoId === undefined || s.repoId === repoId) && (!sha || s.sha === sha));
  }
}
