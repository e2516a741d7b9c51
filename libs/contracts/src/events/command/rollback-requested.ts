import { z } from 'zod';
import { sha, uuid } from '../../common';
import { defineEvent, PayloadOf } from '../../event-definition';

/** Redeploy an earlier successful image without rebuilding. */
export const RollbackRequested = defineEvent(
  'RollbackRequested',
  1,
  z.object({
    runId: uuid,
    projectId: uuid,
    requestedBy: z.string(),
    deploymentId: z.string().nullable(),
    commitSha: sha.nullable(),
    stepsBack: z.number().int().positive().nullable(),
  }),
);
export type RollbackRequestedPayload = PayloadOf<typeof RollbackRequested>;
