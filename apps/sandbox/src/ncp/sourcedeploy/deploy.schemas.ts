import { z } from 'zod';
import { isValidBranchName, NCP_NAME } from '../../common/names';

/** SourceDeploy bodies (docs/ncp.md, api §5.1 to 5.3). Names: 1-100 letters, digits, "-", "_" (the API docs). */
const name = z
  .string()
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters')
  .regex(NCP_NAME, 'may hold only letters, digits, "_" and "-"');

export const STAGE_TYPES = ['Server', 'AutoScalingGroup', 'KubernetesService', 'ObjectStorage'] as const;
export const STRATEGIES = ['normal', 'blueGreen', 'rolling', 'canary'] as const;

export const createDeployProjectBody = z.object({ name });

export const createStageBody = z.object({
  name,
  type: z.enum(STAGE_TYPES),
  config: z.object({
    serverNo: z.array(z.number().int()).optional(),
    autoScalingGroupNo: z.number().int().optional(),
    clusterUuid: z.string().optional(),
    clusterNo: z.number().int().optional(),
    bucketName: z.string().optional(),
  }),
});
export type StageSpec = z.infer<typeof createStageBody>;

const scenarioConfig = z.object({
  strategy: z.enum(STRATEGIES),
  manifest: z
    .object({
      type: z.literal('SourceCommit', 'only SourceCommit manifests are supported'),
      repository: z.string().min(1),
      branch: z.string().refine(isValidBranchName, 'is not a valid git branch name'),
      path: z.array(z.string().min(1)).min(1, 'needs at least one manifest path'),
    })
    .optional(),
  canaryConfig: z
    .object({ analysisType: z.enum(['manual', 'auto']), canaryCount: z.number().int().min(1) })
    .passthrough()
    .optional(),
  rollback: z.boolean().optional(),
  sequence: z.boolean().optional(),
  // Server, AutoScalingGroup and ObjectStorage parts: kept as given, the sandbox deploys none of them.
  file: z.unknown().optional(),
  cmd: z.unknown().optional(),
  loadBalancer: z.unknown().optional(),
  path: z.unknown().optional(),
});

export const createScenarioBody = z.object({
  name,
  description: z.string().max(500).optional(),
  config: scenarioConfig,
});
export type ScenarioSpec = z.infer<typeof createScenarioBody>;

/** PATCH scenario: description and config; config is merged into the scenario's and checked whole. */
export const changeScenarioBody = z.object({
  description: z.string().max(500).optional(),
  config: z.record(z.string(), z.unknown()).optional(),
});
