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
    /** The image this run will deploy (known up front: `{registry}/{image}:{sha7}`, or the old one for a rollback). */
    image: z.string().nullable(),
    replicas: z.number().int().min(0).nullable(),
    /** The head commit's message, when the trigger knows it (pushes do). */
    commitMessage: z.string().nullable().optional(),
    /** For a rollback: the run whose deployment is deployed again (a deployment's id is its run's id). */
    rollbackOf: uuid.nullable().optional(),
    retryOf: uuid.nullable(),
  }),
);
export type RunQueuedPayload = PayloadOf<typeof RunQueued>;
