import { z } from 'zod';
import { isValidBranchName, NCP_NAME } from '../../common/names';

/** SourceBuild CreateProject (docs/ncp.md, api §4.2), value rules from the Terraform provider. */
export const IMAGE_NAME = /^[a-z0-9]+(([._]|__|[-]*)[a-z0-9]+)*$/;
export const IMAGE_TAG = /^[\w#][\w#.-]*$/;

const id = z.number().int();
const branch = z.string().refine(isValidBranchName, 'is not a valid git branch name');

const imageTarget = z.object({
  use: z.boolean().optional(),
  registry: z.string().optional(),
  image: z.string().optional(),
  tag: z.string().optional(),
  latest: z.boolean().optional(),
});

const projectFields = {
  description: z.string().max(500).optional(),
  source: z.object({
    type: z.literal('SourceCommit', 'only SourceCommit is supported'),
    config: z.object({ repository: z.string().min(1), branch }),
  }),
  env: z.object({
    compute: z.object({ id }),
    platform: z.object({
      type: z.enum(['SourceBuild', 'ContainerRegistry', 'PublicRegistry']),
      config: z.object({
        os: z.object({ id: id.optional() }).optional(),
        runtime: z.object({ id: id.optional(), version: z.object({ id: id.optional() }).optional() }).optional(),
        registry: z.string().optional(),
        image: z.string().optional(),
        tag: z.string().optional(),
      }),
    }),
    docker: z.object({ use: z.boolean().optional(), id: id.optional() }).optional(),
    timeout: z.number().int().min(5, 'must be 5 to 540 minutes').max(540, 'must be 5 to 540 minutes').optional(),
    envVars: z
      .array(
        z.object({
          key: z.string().regex(/^[A-Za-z0-9_]+$/, 'may hold only letters, digits and "_"'),
          value: z.string(),
        }),
      )
      .optional(),
  }),
  // When cmd is present its three arrays are required (docs/ncp.md, api §4.2).
  cmd: z
    .object({
      pre: z.array(z.string()),
      build: z.array(z.string()),
      post: z.array(z.string()),
      dockerbuild: imageTarget.extend({ dockerfile: z.string().optional() }).optional(),
    })
    .optional(),
  artifact: z
    .object({
      use: z.boolean().optional(),
      path: z.array(z.string()).optional(),
      storage: z
        .object({ bucket: z.string().optional(), path: z.string().optional(), filename: z.string().optional() })
        .optional(),
      backup: z.boolean().optional(),
    })
    .optional(),
  cache: imageTarget.optional(),
  linked: z.object({ CloudLogAnalytics: z.boolean().optional(), FileSafer: z.boolean().optional() }).optional(),
};

export const createBuildProjectBody = z.object({
  name: z
    .string()
    .min(1, 'must not be empty')
    .max(80, 'must be at most 80 characters')
    .regex(NCP_NAME, 'may hold only letters, digits, "_" and "-"'),
  ...projectFields,
});
export type BuildProjectSpec = z.infer<typeof createBuildProjectBody>;

/** ChangeProject: CreateProject minus name, every part optional; merged into the project, then checked whole. */
export const changeBuildProjectBody = z.object({}).passthrough();

/** Start-build has no documented body; none is read (docs/ncp.md, api §4.5). */
export const cancelBuildBody = z.object({ buildId: z.string().min(1) });
