import { z } from 'zod';
import { errorInfo, uuid } from '../../common';
import { defineEvent, PayloadOf } from '../../event-definition';

export const MirrorFailed = defineEvent(
  'MirrorFailed',
  1,
  z.object({
    runId: uuid,
    projectId: uuid,
    attempt: z.number().int().positive(),
    /** A refused manifest or a missing commit will not mend itself by retrying. */
    retryable: z.boolean(),
    error: errorInfo,
  }),
);
export type MirrorFailedPayload = PayloadOf<typeof MirrorFailed>;
