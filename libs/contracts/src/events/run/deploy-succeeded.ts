import { z } from 'zod';
import { uuid } from '../../common';
import { defineEvent, PayloadOf } from '../../event-definition';

export const DeploySucceeded = defineEvent(
  'DeploySucceeded',
  1,
  z.object({
    runId: uuid,
    projectId: uuid,
    historyId: z.string(),
    image: z.string(),
    replicas: z.number().int().min(0),
    durationMs: z.number().int(),
  }),
);
export type DeploySucceededPayload = PayloadOf<typeof DeploySucceeded>;
