import { z } from 'zod';
import { githubId, projectSettings, revision, uuid } from '../../common';
import { defineEvent, PayloadOf } from '../../event-definition';

export const ncpResourceIds = z.object({
  sourceCommitRepository: z.string(),
  sourceBuildProjectId: z.string(),
  sourceDeployProjectId: z.string(),
  sourceDeployStageId: z.string(),
  sourceDeployScenarioId: z.string(),
  sourcePipelineId: z.string(),
});

/** Every NCP resource of the project exists; pushes can deploy from now on. */
export const ProjectProvisioned = defineEvent(
  'ProjectProvisioned',
  1,
  z.object({
    projectId: uuid,
    ownerId: z.string(),
    owner: z.string(),
    repo: z.string(),
    githubRepositoryId: githubId,
    installationId: githubId.nullable(),
    namespace: z.string(),
    imageName: z.string(),
    settings: projectSettings,
    ncp: ncpResourceIds,
    revision,
  }),
);
export type ProjectProvisionedPayload = PayloadOf<typeof ProjectProvisioned>;
