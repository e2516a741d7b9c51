import { z } from 'zod';
import { uuid } from '../../common';
import { defineEvent, PayloadOf } from '../../event-definition';

export const DeployStarted = defineEvent(
  'DeployStarted',
  1,
  z.object({
    runId: uuid,
    projectId: uuid,
    historyId: z.string(),
    image: z.string(),
    replicas: z.number().int().min(0),
  }),
);
export type DeployStartedPayload = PayloadOf<typeof DeployStarted>;
