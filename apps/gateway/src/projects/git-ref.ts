/**
 * A branch name git itself would accept (the rules of `git check-ref-format --branch`): no
 * control characters, spaces or `~^:?*[\`, no `..`, `@{` or `//`, no component starting with
 * `.` or ending with `.lock`, not ending with `/` or `.`, not `@`, not starting with `-`.
 */
export function isValidBranchName(name: string): boolean {
  if (!name || name.length > 255 || name === '@' || name.startsWith('-') || name.startsWith('/')) return false;
  if ([...name].some((c) => c.charCodeAt(0) <= 0x20 || c.charCodeAt(0) === 0x7f)) return false;
  if (/[~^:?*[\\]/.test(name)) return false;
  if (name.includes('..') || name.includes('@{') || name.includes('//')) return false;
  if (name.endsWith('/') || name.endsWith('.')) return false;
  return name.split('/').every((part) => part.length > 0 && !part.startsWith('.') && !part.endsWith('.lock'));
}
