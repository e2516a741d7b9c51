/**
 * Path filters as users write them: `*` matches within one directory, `**` across directories,
 * `?` one character; a pattern without a slash matches that name anywhere (`*.md`); a pattern
 * ending in `/` matches everything under it (`docs/`).
 */
export function matchesAny(path: string, patterns: string[]): boolean {
  return patterns.some((pattern) => globToRegExp(pattern).test(path));
}

const cache = new Map<string, RegExp>();

export function globToRegExp(pattern: string): RegExp {
  let regexp = cache.get(pattern);
  if (regexp) return regexp;
  let glob = pattern.replace(/^\.\//, '').replace(/^\//, '');
  if (glob.endsWith('/')) glob += '**';
  const anywhere = !glob.includes('/');
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      const slash = glob[i + 2] === '/';
      source += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  regexp = new RegExp(`^${anywhere ? '(?:.*/)?' : ''}${source}$`);
  cache.set(pattern, regexp);
  return regexp;
}
