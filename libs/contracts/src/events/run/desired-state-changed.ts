import { z } from 'zod';
import { runTriggerType, sha, uuid } from '../../common';
import { defineEvent, PayloadOf } from '../../event-definition';

export const desiredPin = z.object({
  /** Who set it (the user of the rollback or the manual deploy). */
  by: z.string().nullable(),
  reason: z.string(),
  at: z.iso.datetime({ offset: true }),
  runId: uuid.nullable(),
});

/**
 * What a project should run changed: the commit (and so the image), the replicas, or the pin.
 * `version` grows by one with every change, stamped by the runner, which owns this state.
 */
export const DesiredStateChanged = defineEvent(
  'DesiredStateChanged',
  1,
  z.object({
    projectId: uuid,
    version: z.number().int().positive(),
    commitSha: sha.nullable(),
    commitMessage: z.string().nullable(),
    replicas: z.number().int().min(0),
    pin: desiredPin.nullable(),
    cause: z.object({
      type: z.union([runTriggerType, z.enum(['unpin', 'settings'])]),
      actor: z.string().nullable(),
      runId: uuid.nullable(),
      deliveryId: z.string().nullable(),
    }),
  }),
);
export type DesiredStateChangedPayload = PayloadOf<typeof DesiredStateChanged>;
