import { DynamicModule, Module, ModuleMetadata } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ClusterModule } from './cluster/cluster.module';
import { CoreModule } from './common/core.module';
import { SandboxExceptionFilter } from './common/sandbox-exception.filter';
import { ResolvedSandboxOptions } from './config/sandbox-options';
import { FaultsModule } from './faults/faults.module';
import { GitHostingModule } from './git-hosting/git-hosting.module';
import { GithubModule } from './github/github.module';
import { KubeModule } from './kube/kube.module';
import { NcrModule } from './ncp/ncr/ncr.module';
import { SourceBuildModule } from './ncp/sourcebuild/sourcebuild.module';
import { SourceCommitModule } from './ncp/sourcecommit/sourcecommit.module';
import { SourceDeployModule } from './ncp/sourcedeploy/sourcedeploy.module';
import { SourcePipelineModule } from './ncp/sourcepipeline/sourcepipeline.module';
import { RegistryModule } from './registry/registry.module';
import { SlackModule } from './slack/slack.module';
import { TimingsModule } from './timings/timings.module';

/**
 * The whole sandbox as one importable module: NCP's DevTools and NCR, the registry, git
 * hosting, the GitHub and Slack stand-ins, and the /_sandbox controls. Built by
 * `startSandbox`, which resolves the options (data dir, App key) first.
 */
@Module({})
export class SandboxModule {
  /** `extraImports`: modules a host process adds beside the parties (health, metrics). */
  static forRoot(
    options: ResolvedSandboxOptions,
    extraImports: NonNullable<ModuleMetadata['imports']> = [],
  ): DynamicModule {
    return {
      module: SandboxModule,
      imports: [
        ...extraImports,
        CoreModule.forRoot(options),
        FaultsModule,
        TimingsModule,
        SourceCommitModule,
        SourceBuildModule,
        SourceDeployModule,
        SourcePipelineModule,
        NcrModule,
        RegistryModule,
        ClusterModule,
        KubeModule,
        GitHostingModule,
        GithubModule,
        SlackModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: SandboxExceptionFilter }],
    };
  }
}
