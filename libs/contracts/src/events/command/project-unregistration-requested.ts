import { z } from 'zod';
import { uuid } from '../../common';
import { defineEvent, PayloadOf } from '../../event-definition';

export const ProjectUnregistrationRequested = defineEvent(
  'ProjectUnregistrationRequested',
  1,
  z.object({ projectId: uuid, requestedBy: z.string(), deleteRepository: z.boolean() }),
);
export type ProjectUnregistrationRequestedPayload = PayloadOf<typeof ProjectUnregistrationRequested>;
