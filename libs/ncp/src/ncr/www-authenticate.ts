/** One authentication challenge from a `WWW-Authenticate` header (RFC 9110 11.6.1). */
export interface AuthChallenge {
  scheme: string;
  params: Record<string, string>;
}

const PARAM = /^\s*([A-Za-z0-9_.-]+)\s*=\s*("((?:[^"\\]|\\.)*)"|[^,\s]*)\s*,?/;

/**
 * Parses `Bearer realm="https://…/token",service="registry",scope="repository:x:pull"` and the
 * like. Registries send one challenge in practice; several are read in order.
 */
export function parseWwwAuthenticate(header: string | string[] | undefined): AuthChallenge[] {
  const values = Array.isArray(header) ? header : header ? [header] : [];
  const challenges: AuthChallenge[] = [];
  for (const value of values) {
    let rest = value.trim();
    while (rest) {
      const scheme = /^([A-Za-z][A-Za-z0-9_-]*)(\s+|,|$)/.exec(rest);
      if (!scheme) break;
      rest = rest.slice(scheme[0].length);
      const params: Record<string, string> = {};
      for (let m = PARAM.exec(rest); m; m = PARAM.exec(rest)) {
        params[m[1].toLowerCase()] = m[3] !== undefined ? m[3].replace(/\\(.)/g, '$1') : m[2];
        rest = rest.slice(m[0].length);
      }
      challenges.push({ scheme: scheme[1].toLowerCase(), params });
      rest = rest.replace(/^[\s,]+/, '');
    }
  }
  return challenges;
}
