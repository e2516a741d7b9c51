import { z } from 'zod';
import { NCP_NAME } from '../../common/names';

/** SourceCommit repository bodies (docs/ncp.md, api §3). */
const description = z
  .string()
  .refine((d) => Buffer.byteLength(d, 'utf8') <= 500, 'must be at most 500 bytes')
  .optional();

export const createRepositoryBody = z.object({
  name: z
    .string()
    .min(1, 'must not be empty')
    .max(100, 'must be at most 100 characters')
    .regex(NCP_NAME, 'may hold only letters, digits, "_" and "-"'),
  description,
  linked: z.object({ FileSafer: z.boolean().optional(), ObjectStorage: z.boolean().optional() }).optional(),
});

export const changeRepositoryBody = z.object({
  description,
  linked: z.object({ FileSafer: z.boolean().optional() }).optional(),
});
