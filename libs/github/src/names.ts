/**
 * Names GitHub allows, checked before a name reaches a URL, a database row or an NCP name.
 * Owner (user or organization login): 1-39 characters, letters, digits and single hyphens, not
 * at either end. Repository: 1-100 of `[A-Za-z0-9._-]`, not `.` or `..` (path segments), not
 * ending in `.git` (GitHub strips it, so the name would not round-trip).
 *
 * Note: some legacy logins and Enterprise Managed Users (`name_shortcode`) break the owner rule;
 * GitHub itself no longer creates such names on github.com.
 */
const OWNER = /^[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*$/;
const REPO = /^[A-Za-z0-9._-]+$/;

export function isValidGithubOwner(name: string): boolean {
  return typeof name === 'string' && name.length >= 1 && name.length <= 39 && OWNER.test(name);
}

export function isValidGithubRepoName(name: string): boolean {
  return (
    typeof name === 'string' &&
    name.length >= 1 &&
    name.length <= 100 &&
    REPO.test(name) &&
    name !== '.' &&
    name !== '..' &&
    !name.toLowerCase().endsWith('.git')
  );
}
