import { z } from 'zod';
import { errorInfo, uuid } from '../../common';
import { defineEvent, PayloadOf } from '../../event-definition';

export const BuildFailed = defineEvent(
  'BuildFailed',
  1,
  z.object({
    runId: uuid,
    projectId: uuid,
    buildId: z.string().nullable(),
    /** NCP's build status at the end (`fail`, `canceled`), or null when it never started. */
    status: z.string().nullable(),
    failedPhase: z.string().nullable(),
    error: errorInfo,
  }),
);
export type BuildFailedPayload = PayloadOf<typeof BuildFailed>;
