import type { OnApplicationShutdown } from '@nestjs/common';
import { GithubClient, isGithubError } from '@klepaas/github';
import type { GitCredentials } from '@klepaas/git';
import { Refusal } from '../refusal';

/**
 * Git credentials for reading a GitHub repository: the installation's token (the App's, cached
 * by the client until near expiry) or, without an App, KLEPAAS_GITHUB_TOKEN.
 */
export class GithubCredentials implements OnApplicationShutdown {
  constructor(private readonly client: GithubClient) {}

  async forInstallation(installationId: number | null): Promise<GitCredentials> {
    try {
      return { username: 'x-access-token', password: await this.client.tokenFor(installationId) };
    } catch (error) {
      // The App uninstalled or suspended, or nothing configured: retrying will not change that.
      if (isGithubError(error) && ['not-found', 'forbidden', 'no-credentials'].includes(error.code)) {
        throw new Refusal('github_access', `no GitHub access for installation ${installationId}: ${error.message}`);
      }
      throw error;
    }
  }

  onApplicationShutdown(): Promise<void> {
    return this.client.close();
  }
}
