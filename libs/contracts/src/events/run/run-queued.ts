import { z } from 'zod';
import { runTrigger, uuid } from '../../common';
import { defineEvent, PayloadOf } from '../../event-definition';

export const RunQueued = defineEvent(
  'RunQueued',
  1,
  z.object({
    runId: uuid,
    projectId: uuid,
    trigger: runTrigger,
    image: z.string().nullable(),
    replicas: z.number().int().min(0).nullable(),
    retryOf: uuid.nullable(),
  }),
);
export type RunQueuedPayload = PayloadOf<typeof RunQueued>;
