import { z } from 'zod';
import { isValidBranchName, NCP_NAME } from '../../common/names';

/** SourcePipeline bodies (docs/ncp.md, api §6.2): pipeline names 1-30, task names 1-50 characters. */
const branch = z.string().refine(isValidBranchName, 'is not a valid git branch name');

const task = z.object({
  name: z
    .string()
    .min(1, 'must not be empty')
    .max(50, 'must be at most 50 characters')
    .regex(NCP_NAME, 'may hold only letters, digits, "_" and "-"'),
  type: z.enum(['SourceBuild', 'SourceDeploy']),
  config: z.object({
    projectId: z.number().int(),
    stageId: z.number().int().optional(),
    scenarioId: z.number().int().optional(),
    // For SourceBuild tasks: a branch that overrides the build project's.
    target: z.object({ info: z.object({ branch: branch.optional() }).optional() }).optional(),
  }),
  linkedTasks: z.array(z.string()),
});
export type TaskSpec = z.infer<typeof task>;

const DAYS = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'] as const;

// `trigger` is optional in the docs; Terraform sends {} and the Go SDK may send null: all mean "none".
const trigger = z
  .object({
    repository: z.array(z.object({ type: z.string(), name: z.string().min(1), branch })).optional(),
    schedule: z
      .array(
        z.object({
          day: z.array(z.enum(DAYS)).min(1),
          time: z.string().regex(/^\d{2}:\d{2}$/, 'must be HH:MM'),
          timeZone: z.string().min(1),
          scheduleOnlyWithChange: z.boolean().optional(),
        }),
      )
      .optional(),
    sourcepipeline: z.array(z.object({ id: z.number().int() })).optional(),
  })
  .nullable()
  .optional();
export type TriggerSpec = NonNullable<z.infer<typeof trigger>>;

export const createPipelineBody = z.object({
  name: z
    .string()
    .min(1, 'must not be empty')
    .max(30, 'must be at most 30 characters')
    .regex(NCP_NAME, 'may hold only letters, digits, "_" and "-"'),
  description: z.string().max(500).optional(),
  tasks: z.array(task).min(1, 'needs at least one task'),
  trigger,
});

export const changePipelineBody = z.object({
  description: z.string().max(500).optional(),
  tasks: z.array(task).min(1, 'needs at least one task'),
  trigger,
});
