import { z } from 'zod';
import { uuid } from '../../common';
import { defineEvent, PayloadOf } from '../../event-definition';

export const ProjectUnregistrationRequested = defineEvent(
  'ProjectUnregistrationRequested',
  1,
  z.object({
    projectId: uuid,
    requestedBy: z.string(),
    deleteRepository: z.boolean(),
    /** Why, when it was not the owner's own request (a GitHub admin of the repository took it over). */
    reason: z.string().max(500).optional(),
  }),
);
export type ProjectUnregistrationRequestedPayload = PayloadOf<typeof ProjectUnregistrationRequested>;
