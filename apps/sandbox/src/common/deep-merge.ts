/**
 * PATCH semantics for nested NCP bodies: objects merge key by key, anything else (arrays
 * included) replaces. K-Le-PaaS patches only `cmd.dockerbuild.tag` before each build, which
 * must leave the rest of the project as it was.
 */
export function deepMerge<T>(base: T, patch: unknown): T {
  if (!isPlainObject(base) || !isPlainObject(patch)) return (patch === undefined ? base : patch) as T;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) merged[key] = key in merged ? deepMerge(merged[key], value) : value;
  return merged as T;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
