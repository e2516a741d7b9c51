import { z } from 'zod';
import { revision, uuid } from '../../common';
import { defineEvent, PayloadOf } from '../../event-definition';

export const ProjectUnregistered = defineEvent(
  'ProjectUnregistered',
  1,
  z.object({ projectId: uuid, removed: z.array(z.string()), kept: z.array(z.string()), revision }),
);
export type ProjectUnregisteredPayload = PayloadOf<typeof ProjectUnregistered>;
