import type { OnApplicationShutdown } from '@nestjs/common';
import { NcpApiError, SourceCommitClient } from '@klepaas/ncp';
import { basicAuth, GitAuth, GitCredentials } from '@klepaas/git';
import { Refusal } from '../refusal';

export interface GitRemote {
  url: string;
  auth: GitAuth;
}

/**
 * Where and how to push a SourceCommit repository: its `git.https` URL from the API (looked up
 * once per repository; it never changes) and the SourceCommit git account, which is not the
 * API key pair.
 */
export class SourceCommitRemotes implements OnApplicationShutdown {
  private readonly urls = new Map<string, Promise<string>>();

  constructor(
    private readonly client: SourceCommitClient,
    private readonly credentials: GitCredentials,
  ) {}

  async remoteFor(repository: string): Promise<GitRemote> {
    let url = this.urls.get(repository);
    if (!url) {
      url = this.lookUp(repository);
      this.urls.set(repository, url);
      url.catch(() => this.urls.delete(repository));
    }
    const resolved = await url;
    return { url: resolved, auth: basicAuth(resolved, this.credentials) };
  }

  /** Forgets a URL that stopped working (the repository was deleted and made again). */
  forget(repository: string): void {
    this.urls.delete(repository);
  }

  onApplicationShutdown(): Promise<void> {
    return this.client.close();
  }

  private async lookUp(repository: string): Promise<string> {
    try {
      const detail = await this.client.getRepository(repository);
      if (!detail.git?.https) throw new Error(`SourceCommit gave no git.https URL for ${repository}`);
      return detail.git.https;
    } catch (error) {
      if (error instanceof NcpApiError && error.isNotFound) {
        throw new Refusal('target_not_found', `SourceCommit repository ${repository} does not exist`);
      }
      throw error;
    }
  }
}
