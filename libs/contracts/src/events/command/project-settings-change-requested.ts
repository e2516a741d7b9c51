import { z } from 'zod';
import { projectSettings, uuid } from '../../common';
import { defineEvent, PayloadOf } from '../../event-definition';

export const ProjectSettingsChangeRequested = defineEvent(
  'ProjectSettingsChangeRequested',
  1,
  z.object({ projectId: uuid, requestedBy: z.string(), changes: projectSettings.partial() }),
);
export type ProjectSettingsChangeRequestedPayload = PayloadOf<typeof ProjectSettingsChangeRequested>;
