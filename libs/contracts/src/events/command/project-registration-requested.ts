import { z } from 'zod';
import { githubId, projectSettings, uuid } from '../../common';
import { defineEvent, PayloadOf } from '../../event-definition';

/** A user asked to register a repository; the gateway minted `projectId` (decision 1). */
export const ProjectRegistrationRequested = defineEvent(
  'ProjectRegistrationRequested',
  1,
  z.object({
    projectId: uuid,
    requestedBy: z.string(),
    owner: z.string(),
    repo: z.string(),
    githubRepositoryId: githubId,
    installationId: githubId.nullable(),
    settings: projectSettings,
  }),
);
export type ProjectRegistrationRequestedPayload = PayloadOf<typeof ProjectRegistrationRequested>;
