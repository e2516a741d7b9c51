const LEVEL: Record<string, number> = { read: 1, write: 2, admin: 3 };

/**
 * The permissions `needed` that `granted` lacks or holds at a lower level, as `name: level`
 * (an App created by hand, or before this system asked for a permission, lacks some).
 */
export function missingPermissions(
  granted: Record<string, string>,
  needed: Readonly<Record<string, string>>,
): string[] {
  return Object.entries(needed)
    .filter(([name, level]) => (LEVEL[granted[name]] ?? 0) < (LEVEL[level] ?? 0))
    .map(([name, level]) => `${name}: ${level}`);
}
