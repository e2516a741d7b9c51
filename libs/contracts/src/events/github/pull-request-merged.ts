import { z } from 'zod';
import { githubId, repositoryRef } from '../../common';
import { defineEvent, PayloadOf } from '../../event-definition';

/** A pull request was closed merged: recorded for the merge-only rule; never starts a run. */
export const PullRequestMerged = defineEvent(
  'PullRequestMerged',
  1,
  z.object({
    deliveryId: z.string(),
    repository: repositoryRef,
    installationId: githubId.nullable(),
    pullRequest: z.object({
      number: z.number().int(),
      title: z.string().nullable(),
      mergeCommitSha: z.string().nullable(),
      baseRef: z.string(),
      headRef: z.string(),
      headSha: z.string(),
      mergedAt: z.string().nullable(),
    }),
  }),
);
export type PullRequestMergedPayload = PayloadOf<typeof PullRequestMerged>;
