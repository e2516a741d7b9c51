import { BadRequestException } from '@nestjs/common';

/**
 * One query parameter the dashboard sends. It appends `user_id` (sometimes twice) and `t` to every
 * query; we never read those. A parameter we do read may come twice only with the same value.
 */
export function queryValue(query: Record<string, unknown>, name: string): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  const values = Array.isArray(value) ? value : [value];
  if (!values.every((v) => typeof v === 'string' && v === values[0]))
    throw new BadRequestException(`${name}: give it once`);
  return values[0] as string;
}

/** An integer query parameter within bounds, or its default. */
export function queryInteger(
  query: Record<string, unknown>,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const text = queryValue(query, name);
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new BadRequestException(`${name}: must be an integer from ${min} to ${max}`);
  return n;
}

/** `true` or `false`, as the auto-deploy switch sends it. */
export function queryBoolean(query: Record<string, unknown>, name: string): boolean {
  const text = queryValue(query, name);
  if (text !== 'true' && text !== 'false') throw new BadRequestException(`${name}: must be true or false`);
  return text === 'true';
}
