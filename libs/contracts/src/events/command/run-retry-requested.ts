import { z } from 'zod';
import { uuid } from '../../common';
import { defineEvent, PayloadOf } from '../../event-definition';

/**
 * Retry a failed run from its failed step, as a new run (`runId`, minted by the gateway) that
 * reuses what the failed one (`retryOf`) finished: a run that failed at deploy is not rebuilt.
 */
export const RunRetryRequested = defineEvent(
  'RunRetryRequested',
  1,
  z.object({ runId: uuid, retryOf: uuid, projectId: uuid, requestedBy: z.string() }),
);
export type RunRetryRequestedPayload = PayloadOf<typeof RunRetryRequested>;
