import { z } from 'zod';
import { runTrigger, uuid } from '../../common';
import { defineEvent, PayloadOf } from '../../event-definition';

export const RunCompleted = defineEvent(
  'RunCompleted',
  1,
  z.object({
    runId: uuid,
    projectId: uuid,
    status: z.enum(['succeeded', 'failed', 'cancelled', 'superseded']),
    reason: z.string().nullable(),
    failedStep: z.enum(['mirror', 'build', 'deploy']).nullable(),
    trigger: runTrigger,
    image: z.string().nullable(),
    replicas: z.number().int().nullable(),
    queuedAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string(),
    durationMs: z.number().int(),
  }),
);
export type RunCompletedPayload = PayloadOf<typeof RunCompleted>;
