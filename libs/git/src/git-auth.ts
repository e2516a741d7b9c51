import type { GitConfigEntry } from './git-cli';

export interface GitCredentials {
  username: string;
  password: string;
}

/** What one git command needs to authenticate to one remote, and what to scrub from its errors. */
export interface GitAuth {
  config: GitConfigEntry[];
  secrets: string[];
}

/**
 * HTTP basic auth for one remote, as git configuration passed through the environment of the
 * one command that needs it: never in argv (visible to every user of the machine), never in a
 * URL or a remote (which git writes to disk). The header is scoped to the remote's host, so a
 * redirect elsewhere never receives it (one within the host, as GitHub makes for a renamed
 * repository, still works), and credential helpers are switched off, so nothing stores it.
 */
export function basicAuth(url: string, credentials: GitCredentials): GitAuth {
  const encoded = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64');
  const { protocol, host } = new URL(url);
  return {
    config: [
      ['credential.helper', ''],
      [`http.${protocol}//${host}/.extraHeader`, `Authorization: Basic ${encoded}`],
    ],
    secrets: [credentials.password, encoded],
  };
}

/** No credentials (a repository the cache reads locally). */
export const NO_AUTH: GitAuth = { config: [['credential.helper', '']], secrets: [] };
