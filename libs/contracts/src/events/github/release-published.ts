import { z } from 'zod';
import { githubId, repositoryRef } from '../../common';
import { defineEvent, PayloadOf } from '../../event-definition';

/** A GitHub release was published: its tag's commit deploys (ignoring the branch rule). */
export const ReleasePublished = defineEvent(
  'ReleasePublished',
  1,
  z.object({
    deliveryId: z.string(),
    repository: repositoryRef,
    installationId: githubId.nullable(),
    release: z.object({
      id: githubId,
      tagName: z.string(),
      targetCommitish: z.string(),
      name: z.string().nullable(),
      prerelease: z.boolean(),
      draft: z.boolean(),
    }),
    sender: z.object({ login: z.string(), id: githubId }).nullable(),
  }),
);
export type ReleasePublishedPayload = PayloadOf<typeof ReleasePublished>;
