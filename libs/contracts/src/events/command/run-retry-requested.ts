import { z } from 'zod';
import { uuid } from '../../common';
import { defineEvent, PayloadOf } from '../../event-definition';

/** Retry a failed run from its failed step. */
export const RunRetryRequested = defineEvent(
  'RunRetryRequested',
  1,
  z.object({ runId: uuid, projectId: uuid, requestedBy: z.string() }),
);
export type RunRetryRequestedPayload = PayloadOf<typeof RunRetryRequested>;
