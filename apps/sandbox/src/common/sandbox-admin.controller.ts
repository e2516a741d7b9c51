import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ResetHooks } from './reset-hooks';
import { SandboxContext } from './sandbox-context';

/** Sandbox-only: what this sandbox is (prefixes, dev credentials' names) and a full reset for tests. */
@Controller('_sandbox')
export class SandboxAdminController {
  constructor(
    private readonly resetHooks: ResetHooks,
    private readonly context: SandboxContext,
  ) {}

  /** Endpoints to configure clients with. Secrets are not echoed. */
  @Get()
  info() {
    const base = this.context.baseUrl;
    const { registryName, nksClusterUuid, nksClusterNo, nksClusterName, githubAppId } = this.context.options;
    return {
      sandbox: true,
      endpoints: {
        sourceCommit: `${base}/ncp/sourcecommit`,
        sourceBuild: `${base}/ncp/sourcebuild`,
        sourceDeploy: `${base}/ncp/sourcedeploy`,
        sourcePipeline: `${base}/ncp/sourcepipeline`,
        containerRegistryApi: `${base}/ncp/ncr/api/v2`,
        containerRegistry: this.context.registryHost,
        git: `${base}/git`,
        githubApi: `${base}/github/api`,
        githubGit: `${base}/github/git`,
        slack: `${base}/slack`,
      },
      registryName,
      nksCluster: { uuid: nksClusterUuid, no: nksClusterNo, name: nksClusterName },
      githubAppId,
    };
  }

  @Post('reset')
  @HttpCode(204)
  async reset(): Promise<void> {
    await this.resetHooks.runAll();
  }
}
