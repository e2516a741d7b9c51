/** An error in GitHub's REST shape: `{"message","documentation_url","status"}` (plus `errors` for 422). */
export class GithubError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: unknown[],
  ) {
    super(message);
  }

  body(): Record<string, unknown> {
    return {
      message: this.message,
      ...(this.errors ? { errors: this.errors } : {}),
      documentation_url: 'https://docs.github.com/rest',
      status: String(this.status),
    };
  }
}

export const githubNotFound = (): GithubError => new GithubError(404, 'Not Found');
export const badCredentials = (): GithubError => new GithubError(401, 'Bad credentials');
