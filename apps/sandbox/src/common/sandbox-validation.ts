import { BadRequestException } from '@nestjs/common';
import { z } from 'zod';
import { describeIssues } from './describe-issues';

/** Validates the body of a sandbox-only route; a 400 names every problem. */
export function sandboxBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  throw new BadRequestException(describeIssues(result.error.issues));
}
