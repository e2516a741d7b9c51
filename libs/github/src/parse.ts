import type { z } from 'zod';
import { unexpectedBody } from './error-mapping';
import type { GithubResponse } from './http';

/**
 * Narrows a 2xx body to what we read from it. GitHub adds fields freely, so only the fields we use
 * are checked; a missing or mistyped one is an 'unexpected' error naming the field, never a
 * half-filled object travelling on.
 */
export function parseBody<T>(schema: z.ZodType<T>, response: GithubResponse): T {
  const result = schema.safeParse(response.json);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue?.path.length ? issue.path.join('.') : 'body';
  throw unexpectedBody(response.call, response.status, `${where}: ${issue?.message ?? 'does not match'}`);
}
