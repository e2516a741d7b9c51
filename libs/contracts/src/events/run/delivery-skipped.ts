import { z } from 'zod';
import { uuid } from '../../common';
import { defineEvent, PayloadOf } from '../../event-definition';

/** Policy said no: the delivery makes no run, and this says which rule. */
export const DeliverySkipped = defineEvent(
  'DeliverySkipped',
  1,
  z.object({
    deliveryId: z.string(),
    projectId: uuid.nullable(),
    rule: z.enum([
      'no-project',
      'project-not-ready',
      'auto-deploy-off',
      'branch',
      'merge-only',
      'skip-ci',
      'paths',
      'deleted-ref',
      'duplicate',
      'up-to-date',
      'pinned',
      'prerelease',
      'github-unavailable',
    ]),
    reason: z.string(),
  }),
);
export type DeliverySkippedPayload = PayloadOf<typeof DeliverySkipped>;
