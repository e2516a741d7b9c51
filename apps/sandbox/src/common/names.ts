/** Name rules shared by the NCP services (docs/ncp.md, api §3 to §6). */
export const NCP_NAME = /^[A-Za-z0-9_-]+$/;

/**
 * Git's ref-name rules (git check-ref-format) for a branch name, enough to refuse what git
 * itself would refuse before anything is stored.
 */
export function isValidBranchName(name: string): boolean {
  if (!name || name.length > 255 || name === '@' || name.startsWith('-') || name.startsWith('/')) return false;
  if (name.endsWith('/') || name.endsWith('.') || name.endsWith('.lock')) return false;
  if ([...name].some((c) => c.charCodeAt(0) <= 0x20 || c.charCodeAt(0) === 0x7f) || /[~^:?*[\\]/.test(name))
    return false;
  if (name.includes('..') || name.includes('@{') || name.includes('//')) return false;
  return name.split('/').every((part) => part.length > 0 && !part.startsWith('.'));
}
