import { z } from 'zod';
import { uuid } from '../../common';
import { defineEvent, PayloadOf } from '../../event-definition';

/**
 * The runner has nothing of an unregistering project left running (queued runs ended, the active
 * one cancelled at NCP): the provisioner may now remove the project's NCP resources.
 */
export const ProjectRunsStopped = defineEvent('ProjectRunsStopped', 1, z.object({ projectId: uuid }));
export type ProjectRunsStoppedPayload = PayloadOf<typeof ProjectRunsStopped>;
