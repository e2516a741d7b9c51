import { DynamicModule, Global, Module } from '@nestjs/common';
import { ResolvedSandboxOptions, SANDBOX_OPTIONS } from '../config/sandbox-options';
import { GitCli } from './git-cli';
import { ProjectNames } from './project-names';
import { PushEvents } from './push-events';
import { ResetHooks } from './reset-hooks';
import { SandboxAdminController } from './sandbox-admin.controller';
import { SandboxContext } from './sandbox-context';

/** What every party shares: the options, git plumbing, reset and cross-party notices. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(options: ResolvedSandboxOptions): DynamicModule {
    const providers = [
      { provide: SANDBOX_OPTIONS, useValue: options },
      SandboxContext,
      GitCli,
      ResetHooks,
      ProjectNames,
      PushEvents,
    ];
    return { module: CoreModule, controllers: [SandboxAdminController], providers, exports: providers };
  }
}
