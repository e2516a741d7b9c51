import { z } from 'zod';
import { describeIssues } from '../common/describe-issues';
import { badRequest, notFound } from './ncp-error';

/**
 * Parses a request body with a zod schema and answers NCP's 400 / errorCode 100 with every
 * problem spelled out (`tasks.0.config.projectId: required`) when it does not fit.
 */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  throw badRequest(describeIssues(result.error.issues));
}

/** A path id as NCP treats one: anything that is not a known number is simply not found. */
export function idParam(raw: string, what: string): number {
  if (!/^\d{1,15}$/.test(raw)) throw notFound(`${what} ${raw} not found`);
  return Number(raw);
}

/** Optional positive-integer query parameter (pageNo, pageSize, page, pagesize). */
export function positiveIntQuery(
  raw: string | undefined,
  name: string,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > max)
    throw badRequest(`${name} must be an integer from 1 to ${max}`);
  return Number(raw);
}

/** Slices a list by NCP-style pageNo (1-based) and pageSize. */
export function page<T>(items: T[], pageNo: number | undefined, pageSize: number | undefined): T[] {
  if (pageSize === undefined) return items;
  const start = ((pageNo ?? 1) - 1) * pageSize;
  return items.slice(start, start + pageSize);
}
