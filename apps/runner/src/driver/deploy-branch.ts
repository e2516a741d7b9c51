import { Inject, Injectable } from '@nestjs/common';
import { KLEPAAS_CONFIG, KlepaasConfig } from '@klepaas/config';
import { DEPLOY_BRANCH } from '@klepaas/contracts';
import { basicAuth, GitCli, remoteBranchHead } from '@klepaas/git';
import { NCP_CLIENTS, NcpClients } from '@klepaas/ncp';

/**
 * What the SourceCommit deploy branch points at now. SourceBuild builds, and SourceDeploy reads
 * manifests from, whatever the branch holds when they start, so the runner looks right before
 * asking for either: a branch that holds anything but the run's own mirrored commit is mirrored
 * again rather than built or deployed.
 */
@Injectable()
export class DeployBranch {
  private readonly git = new GitCli();
  private readonly urls = new Map<string, string>();

  constructor(
    @Inject(NCP_CLIENTS) private readonly ncp: NcpClients,
    @Inject(KLEPAAS_CONFIG) private readonly config: KlepaasConfig,
  ) {}

  async head(repository: string): Promise<string | null> {
    const { username, password } = this.config.ncp.sourceCommitGit;
    if (!username || !password)
      throw new Error('the SourceCommit git account is not configured (KLEPAAS_NCP_SOURCECOMMIT_USERNAME)');
    const url = await this.urlOf(repository);
    return remoteBranchHead(this.git, url, DEPLOY_BRANCH, basicAuth(url, { username, password }));
  }

  private async urlOf(repository: string): Promise<string> {
    let url = this.urls.get(repository);
    if (!url) {
      const detail = await this.ncp.sourceCommit.getRepository(repository);
      if (!detail.git?.https) throw new Error(`SourceCommit gave no git.https URL for ${repository}`);
      url = detail.git.https;
      this.urls.set(repository, url);
    }
    return url;
  }
}
