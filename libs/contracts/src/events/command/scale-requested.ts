import { z } from 'zod';
import { uuid } from '../../common';
import { defineEvent, PayloadOf } from '../../event-definition';

export const ScaleRequested = defineEvent(
  'ScaleRequested',
  1,
  z.object({ runId: uuid, projectId: uuid, requestedBy: z.string(), replicas: z.number().int().min(0) }),
);
export type ScaleRequestedPayload = PayloadOf<typeof ScaleRequested>;
