import { z } from 'zod';
import { uuid } from '../../common';
import { defineEvent, PayloadOf } from '../../event-definition';

/** A user lifts the pin a rollback (or a manual deploy of an older commit) set: the branch is followed again. */
export const ProjectUnpinRequested = defineEvent(
  'ProjectUnpinRequested',
  1,
  z.object({ projectId: uuid, requestedBy: z.string() }),
);
export type ProjectUnpinRequestedPayload = PayloadOf<typeof ProjectUnpinRequested>;
