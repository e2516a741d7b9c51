import { z } from 'zod';
import { githubId } from '../../common';
import { defineEvent, PayloadOf } from '../../event-definition';

const repo = z.object({ id: githubId, fullName: z.string() });

/** The GitHub App's installation (or the repositories it covers) changed. */
export const InstallationChanged = defineEvent(
  'InstallationChanged',
  1,
  z.object({
    deliveryId: z.string(),
    event: z.enum(['installation', 'installation_repositories']),
    action: z.string(),
    installation: z.object({
      id: githubId,
      account: z.object({ login: z.string(), id: githubId, type: z.string().nullable().optional() }).nullable(),
      repositorySelection: z.string().nullable().optional(),
      suspended: z.boolean(),
    }),
    /** Repositories the delivery lists as covered (installation created) or added. */
    repositoriesAdded: z.array(repo),
    repositoriesRemoved: z.array(repo),
  }),
);
export type InstallationChangedPayload = PayloadOf<typeof InstallationChanged>;
