import { z } from 'zod';
import { sha, uuid } from '../../common';
import { defineEvent, PayloadOf } from '../../event-definition';

/** Manual deploy of a branch head or a commit; `runId` minted by the gateway. */
export const DeployRequested = defineEvent(
  'DeployRequested',
  1,
  z.object({
    runId: uuid,
    projectId: uuid,
    requestedBy: z.string(),
    ref: z.string().nullable(),
    commitSha: sha.nullable(),
  }),
);
export type DeployRequestedPayload = PayloadOf<typeof DeployRequested>;
