import { GithubError } from './errors';

/**
 * Fills an API path template (`/repos/{owner}/{repo}`) with encoded values. A value that is not a
 * usable path segment (empty, `.`, `..`, not a positive integer where an id belongs) names nothing
 * GitHub could have, so it fails as not-found with status 0 before anything is sent; a lookup that
 * returns null on 404 then returns null for it too. Name rules are not enforced here (see
 * names.ts): the client talks to whatever GitHub or GitHub Enterprise accepts.
 */
export function apiPath(method: string, template: string, params: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    const ok =
      typeof value === 'number'
        ? Number.isSafeInteger(value) && value > 0
        : typeof value === 'string' && value !== '' && value !== '.' && value !== '..';
    if (!ok)
      throw new GithubError({
        code: 'not-found',
        status: 0,
        message: `${JSON.stringify(value)?.slice(0, 120) ?? String(value)} is not a valid ${name}; nothing was sent`,
        call: { method, path: template },
      });
    return encodeURIComponent(String(value));
  });
}
