import { z } from 'zod';
import { gitActor, githubId, repositoryRef } from '../../common';
import { defineEvent, PayloadOf } from '../../event-definition';

const commit = z.object({
  id: z.string(),
  message: z.string(),
  timestamp: z.string().nullable().optional(),
  author: gitActor.nullable().optional(),
  added: z.array(z.string()),
  removed: z.array(z.string()),
  modified: z.array(z.string()),
});

/** A signed GitHub `push` delivery, normalised. Whether it deploys is the runner's decision. */
export const PushReceived = defineEvent(
  'PushReceived',
  1,
  z.object({
    deliveryId: z.string(),
    repository: repositoryRef,
    installationId: githubId.nullable(),
    ref: z.string(),
    /** The branch name when `ref` is a branch, else null. */
    branch: z.string().nullable(),
    /** The tag name when `ref` is a tag, else null. */
    tag: z.string().nullable(),
    before: z.string(),
    after: z.string(),
    created: z.boolean(),
    deleted: z.boolean(),
    forced: z.boolean(),
    headCommit: commit.nullable(),
    commits: z.array(commit),
    pusher: z.object({ name: z.string().nullable().optional(), email: z.string().nullable().optional() }),
    sender: z.object({ login: z.string(), id: githubId }).nullable(),
  }),
);
export type PushReceivedPayload = PayloadOf<typeof PushReceived>;
