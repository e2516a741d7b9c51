import { join } from 'node:path';
import { DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { ConfigModule, KlepaasConfig } from '@klepaas/config';
import { GithubClient } from '@klepaas/github';
import { BrokerConnection, EventPublisher, MessagingModule } from '@klepaas/messaging';
import { SourceCommitClient } from '@klepaas/ncp';
import { ObservabilityModule } from '@klepaas/observability';
import { GithubCredentials } from './credentials/github-credentials';
import { SourceCommitRemotes } from './credentials/sourcecommit-remotes';
import { OutcomePublisher } from './events/outcome-publisher';
import { GitCli } from '@klepaas/git';
import { JobWorkspace } from './git/job-workspace';
import { CacheBudget } from './git/cache-budget';
import { MirrorCache } from './git/mirror-cache';
import { RepositoryLocks } from './git/repository-lock';
import { MirrorJob } from './job/mirror-job';
import { MirrorController } from './mirror.controller';
import { MirrorOptions, mirrorSettings } from './mirror-settings';

/**
 * The mirror: a stateless worker on its queue. No database (it owns no table; its work is
 * idempotent instead), so neither the persistence module nor a database readiness check.
 */
@Module({})
export class MirrorModule {
  static forRoot(config: KlepaasConfig, logger: Logger, options: MirrorOptions = {}): DynamicModule {
    const settings = mirrorSettings(config, options);
    const jobsRoot = join(settings.cacheDir, 'jobs');
    return {
      module: MirrorModule,
      imports: [
        ConfigModule.forRoot(config),
        ObservabilityModule.forRoot({ logger, readinessChecks: [BrokerConnection] }),
        MessagingModule.forRoot({
          rabbitmqUrl: config.rabbitmqUrl,
          databaseUrl: config.databaseUrl,
          retryDelaysMs: config.retryDelaysMs,
          publishes: false, // no outbox: the answer is published directly, see OutcomePublisher
        }),
      ],
      controllers: [MirrorController],
      providers: [
        { provide: GitCli, useFactory: () => new GitCli() },
        { provide: RepositoryLocks, useFactory: () => new RepositoryLocks() },
        {
          provide: MirrorCache,
          useFactory: (git: GitCli, locks: RepositoryLocks) => new MirrorCache(git, settings.cacheDir, locks),
          inject: [GitCli, RepositoryLocks],
        },
        {
          provide: CacheBudget,
          useFactory: (locks: RepositoryLocks) => new CacheBudget(settings.cacheDir, settings.cacheMaxBytes, locks),
          inject: [RepositoryLocks],
        },
        { provide: GithubCredentials, useFactory: () => new GithubCredentials(new GithubClient(settings.github)) },
        {
          provide: SourceCommitRemotes,
          useFactory: () =>
            new SourceCommitRemotes(new SourceCommitClient(settings.sourceCommitApi), settings.sourceCommitGit),
        },
        {
          provide: MirrorJob,
          useFactory: async (
            git: GitCli,
            cache: MirrorCache,
            github: GithubCredentials,
            sc: SourceCommitRemotes,
            budget: CacheBudget,
          ) => {
            await JobWorkspace.sweep(jobsRoot); // scratch directories a crashed process left behind
            return new MirrorJob({
              git,
              cache,
              jobsRoot,
              githubGitUrl: settings.githubGitUrl,
              github,
              sourceCommit: sc,
              platform: { ingressDomain: settings.ingressDomain },
              budget,
            });
          },
          inject: [GitCli, MirrorCache, GithubCredentials, SourceCommitRemotes, CacheBudget],
        },
        { provide: EventPublisher, useFactory: () => new EventPublisher({ url: config.rabbitmqUrl }) },
        {
          provide: OutcomePublisher,
          useFactory: (broker: BrokerConnection, publisher: EventPublisher) => new OutcomePublisher(broker, publisher),
          inject: [BrokerConnection, EventPublisher],
        },
      ],
    };
  }
}
