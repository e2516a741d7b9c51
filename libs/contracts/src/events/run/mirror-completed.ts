import { z } from 'zod';
import { sha, uuid } from '../../common';
import { defineEvent, PayloadOf } from '../../event-definition';

export const MirrorCompleted = defineEvent(
  'MirrorCompleted',
  1,
  z.object({
    runId: uuid,
    projectId: uuid,
    attempt: z.number().int().positive(),
    sourceCommit: sha,
    mirroredCommit: sha,
    oldTag: z.string().nullable(),
    newTag: z.string(),
    oldReplicas: z.number().int().nullable(),
    newReplicas: z.number().int(),
    manifestCreated: z.boolean(),
  }),
);
export type MirrorCompletedPayload = PayloadOf<typeof MirrorCompleted>;
