import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import type { KlepaasConfig } from '@klepaas/config';
import { MetricsService } from '@klepaas/observability';
import { GithubClient } from './github.client';
import { githubCallMetrics } from './github-metrics';

/** Injection token for the GitHub client of this process. */
export const GITHUB_CLIENT = Symbol('GITHUB_CLIENT');

class GithubClientCloser implements OnApplicationShutdown {
  constructor(@Inject(GITHUB_CLIENT) private readonly github: GithubClient) {}

  async onApplicationShutdown(): Promise<void> {
    await this.github.close();
  }
}

/** The client built from the app's configuration (the App, or the plain token), closed at shutdown. */
@Global()
@Module({})
export class GithubModule {
  static forRoot(config: KlepaasConfig): DynamicModule {
    const client = {
      provide: GITHUB_CLIENT,
      useFactory: (metrics?: MetricsService) =>
        new GithubClient({
          apiUrl: config.github.apiUrl,
          appId: config.github.appId,
          appPrivateKey: config.github.appPrivateKey,
          token: config.github.token,
          ...(metrics ? { onCall: githubCallMetrics(metrics) } : {}),
        }),
      inject: [{ token: MetricsService, optional: true }],
    };
    return { module: GithubModule, providers: [client, GithubClientCloser], exports: [GITHUB_CLIENT] };
  }
}
