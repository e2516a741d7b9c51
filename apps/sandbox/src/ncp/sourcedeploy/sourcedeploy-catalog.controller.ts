import { Controller, Get, Param } from '@nestjs/common';
import { GitCli } from '../../common/git-cli';
import { SandboxContext } from '../../common/sandbox-context';
import { NcpApi } from '../ncp-api.decorator';
import { notFound } from '../ncp-error';
import { BuildProjects } from '../sourcebuild/build-projects.store';
import { SourceCommitRepositories } from '../sourcecommit/repositories.store';

/** SourceDeploy's pickers: the NKS cluster, SourceBuild projects, SourceCommit repositories and branches. */
@Controller('ncp/sourcedeploy/api/v1')
@NcpApi()
export class SourceDeployCatalogController {
  constructor(
    private readonly context: SandboxContext,
    private readonly buildProjects: BuildProjects,
    private readonly repositories: SourceCommitRepositories,
    private readonly git: GitCli,
  ) {}

  /** The one cluster; `uuid` is added so callers can fill `config.clusterUuid`. */
  @Get('kubernetes/cluster')
  clusters() {
    const { nksClusterNo, nksClusterName, nksClusterUuid } = this.context.options;
    return { clusterList: [{ id: nksClusterNo, name: nksClusterName, uuid: nksClusterUuid }] };
  }

  @Get('sourcebuild/project')
  buildProjectsList() {
    return {
      projectList: this.buildProjects
        .list()
        .map(({ id, name }) => ({ id, name, permission: 'Manager', actionName: 'View' })),
    };
  }

  @Get('sourcecommit/repository')
  repositoryList() {
    return { repositoryList: this.repositories.list().map(({ name }) => ({ name })) };
  }

  @Get('sourcecommit/repository/:name/branch')
  async branchList(@Param('name') name: string) {
    const repo = this.repositories.find(name);
    if (!repo) throw notFound(`repository "${name}" not found`);
    return { branchList: (await this.git.branches(repo.gitDir)).map((branch) => ({ name: branch })) };
  }
}
