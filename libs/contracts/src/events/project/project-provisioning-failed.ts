import { z } from 'zod';
import { errorInfo, revision, uuid } from '../../common';
import { defineEvent, PayloadOf } from '../../event-definition';

export const ProjectProvisioningFailed = defineEvent(
  'ProjectProvisioningFailed',
  1,
  z.object({
    projectId: uuid,
    step: z.enum(['cluster', 'sourcecommit', 'sourcebuild', 'sourcedeploy', 'sourcepipeline', 'github']),
    error: errorInfo,
    revision,
  }),
);
export type ProjectProvisioningFailedPayload = PayloadOf<typeof ProjectProvisioningFailed>;
