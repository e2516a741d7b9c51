import { z } from 'zod';
import { uuid } from '../../common';
import { defineEvent, PayloadOf } from '../../event-definition';

export const BuildSucceeded = defineEvent(
  'BuildSucceeded',
  1,
  z.object({ runId: uuid, projectId: uuid, buildId: z.string(), image: z.string(), durationMs: z.number().int() }),
);
export type BuildSucceededPayload = PayloadOf<typeof BuildSucceeded>;
