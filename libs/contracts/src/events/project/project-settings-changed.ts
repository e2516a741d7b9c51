import { z } from 'zod';
import { githubId, projectSettings, revision, uuid } from '../../common';
import { defineEvent, PayloadOf } from '../../event-definition';

/** The project's settings now (all of them, not a diff), and why auto-deploy is off if it is. */
export const ProjectSettingsChanged = defineEvent(
  'ProjectSettingsChanged',
  1,
  z.object({
    projectId: uuid,
    settings: projectSettings,
    installationId: githubId.nullable(),
    reason: z.string().nullable(),
    revision,
  }),
);
export type ProjectSettingsChangedPayload = PayloadOf<typeof ProjectSettingsChanged>;
