/** The caller's GitHub account, as the token names it (claims `github_user_id` and `github_login`). */
export interface GithubIdentity {
  id: number;
  login: string;
}

/** Who is calling, as the bearer token says (never the request body). */
export interface Principal {
  userId: string;
  roles: string[];
  /** Absent when the token names no GitHub account: such a caller may not register repositories. */
  github?: GithubIdentity;
  /** When the token expires (ms since the epoch): a live stream ends then. */
  expiresAt: number;
}

export const isOperator = (principal: Principal) => principal.roles.includes('admin');
