import { BadRequestException } from '@nestjs/common';
import { z } from 'zod';
import { isValidGithubOwner, isValidGithubRepoName } from '@klepaas/github';
import { isValidBranchName } from './git-ref';

/** Replica bounds: the dashboard's scale dialog offers 0 to 10. */
export const MAX_REPLICAS = 10;

const settingsFields = {
  branch: z.string().refine(isValidBranchName, 'must be a valid git branch name'),
  autoDeploy: z.boolean(),
  mergeOnly: z.boolean(),
  paths: z
    .array(
      z
        .string()
        .min(1)
        .max(200)
        .refine((p) => !p.includes('\0'), 'must not contain NUL'),
    )
    .max(50),
  replicas: z.number().int().min(0).max(MAX_REPLICAS),
  containerPort: z.number().int().min(1).max(65535),
  podSecurity: z.enum(['baseline', 'restricted']),
};

/** Unknown fields (the original dashboard adds `user_id` and `t` everywhere) are ignored, never trusted. */
export const registrationSchema = z.object({
  owner: z.string().refine(isValidGithubOwner, 'must be a GitHub user or organisation name'),
  repo: z.string().refine(isValidGithubRepoName, 'must be a GitHub repository name'),
  branch: settingsFields.branch.optional(),
  autoDeploy: settingsFields.autoDeploy.optional(),
  mergeOnly: settingsFields.mergeOnly.optional(),
  paths: settingsFields.paths.optional(),
  replicas: settingsFields.replicas.optional(),
  containerPort: settingsFields.containerPort.optional(),
  podSecurity: settingsFields.podSecurity.optional(),
});
export type RegistrationInput = z.output<typeof registrationSchema>;

export const settingsChangeSchema = z
  .object({
    branch: settingsFields.branch.optional(),
    autoDeploy: settingsFields.autoDeploy.optional(),
    mergeOnly: settingsFields.mergeOnly.optional(),
    paths: settingsFields.paths.optional(),
    replicas: settingsFields.replicas.optional(),
    containerPort: settingsFields.containerPort.optional(),
    podSecurity: settingsFields.podSecurity.optional(),
    /** The project's own Slack incoming webhook; null removes it (checked and sealed by the gateway). */
    slackWebhookUrl: z.string().max(500).nullable().optional(),
  })
  .refine((c) => Object.values(c).some((v) => v !== undefined), 'give at least one setting to change');
export type SettingsChangeInput = z.output<typeof settingsChangeSchema>;

/** Parses a request body, or answers 400 naming each bad field. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.map(String).join('.') || 'body'}: ${i.message}`);
  throw new BadRequestException(problems);
}

export const DEFAULT_SETTINGS = {
  autoDeploy: true,
  mergeOnly: false,
  paths: [] as string[],
  replicas: 1,
  containerPort: 8080,
  podSecurity: 'baseline' as const,
};
