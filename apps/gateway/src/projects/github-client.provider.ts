import { Inject, Injectable, OnApplicationShutdown, Provider } from '@nestjs/common';
import { KLEPAAS_CONFIG, KlepaasConfig } from '@klepaas/config';
import { GithubClient } from '@klepaas/github';
import { GITHUB_CLIENT } from './github-lookup';

/** The gateway's GitHub client (registration lookups), built from the configuration. */
export const githubClientProvider: Provider = {
  provide: GITHUB_CLIENT,
  useFactory: (config: KlepaasConfig) =>
    new GithubClient({
      apiUrl: config.github.apiUrl,
      appId: config.github.appId,
      appPrivateKey: config.github.appPrivateKey,
      token: config.github.token,
    }),
  inject: [KLEPAAS_CONFIG],
};

/** Closes its pooled connections when the app stops. */
@Injectable()
export class GithubClientCloser implements OnApplicationShutdown {
  constructor(@Inject(GITHUB_CLIENT) private readonly github: GithubClient) {}

  async onApplicationShutdown(): Promise<void> {
    await this.github.close();
  }
}
