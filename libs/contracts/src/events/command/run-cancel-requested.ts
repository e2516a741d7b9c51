import { z } from 'zod';
import { uuid } from '../../common';
import { defineEvent, PayloadOf } from '../../event-definition';

export const RunCancelRequested = defineEvent(
  'RunCancelRequested',
  1,
  z.object({ runId: uuid, projectId: uuid, requestedBy: z.string() }),
);
export type RunCancelRequestedPayload = PayloadOf<typeof RunCancelRequested>;
