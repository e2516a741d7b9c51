import { z } from 'zod';
import { isValidBranchName } from '../projects/git-ref';
import { MAX_REPLICAS } from '../projects/project-input';

/** Deployments reach back this far at most (the dashboard's rollback list shows a few). */
export const MAX_STEPS_BACK = 100;

const commitSha = z
  .string()
  .regex(/^[0-9a-fA-F]{40}$/, 'must be a 40-character hex commit sha')
  .transform((sha) => sha.toLowerCase());

/**
 * Bodies of the run commands. Unknown fields (the original dashboard adds `user_id` and `t`
 * everywhere) are ignored, never trusted: the token says who asks. `null` counts as absent.
 */
export const deploySchema = z.object({
  // Tags follow the same git rules as branches (git check-ref-format).
  ref: z.string().refine(isValidBranchName, 'must be a valid git branch or tag name').nullish(),
  commitSha: commitSha.nullish(),
});
export type DeployInput = z.output<typeof deploySchema>;

export const rollbackSchema = z
  .object({
    deploymentId: z.uuid('must be a deployment id (a UUID)').nullish(),
    commitSha: commitSha.nullish(),
    stepsBack: z.number().int().min(1).max(MAX_STEPS_BACK).nullish(),
  })
  .refine(
    (b) => [b.deploymentId, b.commitSha, b.stepsBack].filter((v) => v !== undefined && v !== null).length <= 1,
    'give at most one of deploymentId, commitSha and stepsBack',
  );
export type RollbackInput = z.output<typeof rollbackSchema>;

export const scaleSchema = z.object({
  replicas: z.number().int().min(0).max(MAX_REPLICAS),
});
export type ScaleInput = z.output<typeof scaleSchema>;
