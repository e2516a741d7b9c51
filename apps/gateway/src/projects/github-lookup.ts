import { BadGatewayException, Inject, Injectable, UnprocessableEntityException } from '@nestjs/common';
import { GITHUB_CLIENT, GithubClient, GithubError, GithubRepository } from '@klepaas/github';

/**
 * What GitHub says of a repository before it may be registered: which installation of our App
 * covers it (never the request body's word) and its id, which keys the project (names change).
 */
@Injectable()
export class GithubLookup {
  constructor(@Inject(GITHUB_CLIENT) private readonly github: GithubClient) {}

  async repository(
    owner: string,
    repo: string,
  ): Promise<{ repository: GithubRepository; installationId: number | null }> {
    try {
      let installationId: number | null = null;
      if (this.github.usesApp) {
        const installation = await this.github.findRepositoryInstallation(owner, repo);
        if (!installation) {
          throw new UnprocessableEntityException(
            `the K-Le-PaaS GitHub App is not installed on ${owner}/${repo}: install it on the repository, then register again`,
          );
        }
        installationId = installation.installationId;
      }
      const repository = await this.github.getRepository(owner, repo, installationId);
      if (!repository)
        throw new UnprocessableEntityException(
          `GitHub repository ${owner}/${repo} does not exist or is not accessible`,
        );
      return { repository, installationId };
    } catch (error) {
      if (error instanceof GithubError) {
        throw new BadGatewayException(`GitHub did not answer the repository lookup (${error.code}); try again`);
      }
      throw error;
    }
  }
}
