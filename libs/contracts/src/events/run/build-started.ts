import { z } from 'zod';
import { uuid } from '../../common';
import { defineEvent, PayloadOf } from '../../event-definition';

export const BuildStarted = defineEvent(
  'BuildStarted',
  1,
  z.object({ runId: uuid, projectId: uuid, buildProjectId: z.string(), buildId: z.string(), image: z.string() }),
);
export type BuildStartedPayload = PayloadOf<typeof BuildStarted>;
