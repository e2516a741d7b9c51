import { z } from 'zod';
import { errorInfo, uuid } from '../../common';
import { defineEvent, PayloadOf } from '../../event-definition';

export const DeployFailed = defineEvent(
  'DeployFailed',
  1,
  z.object({
    runId: uuid,
    projectId: uuid,
    historyId: z.string().nullable(),
    status: z.string().nullable(),
    error: errorInfo,
  }),
);
export type DeployFailedPayload = PayloadOf<typeof DeployFailed>;
