import { z } from 'zod';
import { githubId, podSecurityLevel, sha, uuid } from '../../common';
import { defineEvent, PayloadOf } from '../../event-definition';

/** The runner asks the mirror to put this commit and manifest into SourceCommit. */
export const MirrorRequested = defineEvent(
  'MirrorRequested',
  1,
  z.object({
    runId: uuid,
    projectId: uuid,
    attempt: z.number().int().positive(),
    /**
     * The run's place in its project's deploy order (the same for every attempt of one run). The
     * mirror writes it into the commit and refuses to replace a branch head of a later run.
     */
    sequence: z.number().int().positive(),
    source: z.object({ owner: z.string(), repo: z.string(), commitSha: sha, installationId: githubId.nullable() }),
    target: z.object({ repository: z.string(), branch: z.string() }),
    image: z.string(),
    replicas: z.number().int().min(0),
    namespace: z.string(),
    containerPort: z.number().int().min(1).max(65535),
    appName: z.string(),
    /** The project's settings.podSecurity: the profile the manifest is checked against; absent = baseline. */
    podSecurity: podSecurityLevel.optional(),
  }),
);
export type MirrorRequestedPayload = PayloadOf<typeof MirrorRequested>;
