import { Controller, Get, Param } from '@nestjs/common';
import { GitCli } from '../../common/git-cli';
import { SandboxContext } from '../../common/sandbox-context';
import { NcpApi } from '../ncp-api.decorator';
import { notFound } from '../ncp-error';
import { idParam } from '../ncp-validation';
import { SourceCommitRepositories } from '../sourcecommit/repositories.store';
import { COMPUTE, DOCKER_ENGINES, OS, RUNTIMES } from './env-catalog';

/** SourceBuild's pickers: build environments, registries, buckets, repositories and branches. */
@Controller('ncp/sourcebuild/api/v1')
@NcpApi()
export class SourceBuildCatalogController {
  constructor(
    private readonly repositories: SourceCommitRepositories,
    private readonly git: GitCli,
    private readonly context: SandboxContext,
  ) {}

  @Get('env/compute')
  compute() {
    return { compute: COMPUTE };
  }

  @Get('env/os')
  os() {
    return { os: OS };
  }

  @Get('env/os/:osId/runtime')
  runtimes(@Param('osId') osId: string) {
    const runtimes = RUNTIMES[idParam(osId, 'os')];
    if (!runtimes) throw notFound(`os ${osId} not found`);
    return { runtime: runtimes.map(({ id, name }) => ({ id, name })) };
  }

  @Get('env/os/:osId/runtime/:runtimeId/version')
  versions(@Param('osId') osId: string, @Param('runtimeId') runtimeId: string) {
    const runtime = RUNTIMES[idParam(osId, 'os')]?.find((r) => r.id === idParam(runtimeId, 'runtime'));
    if (!runtime) throw notFound(`runtime ${runtimeId} of os ${osId} not found`);
    return { version: runtime.versions };
  }

  @Get('env/docker')
  docker() {
    return { docker: DOCKER_ENGINES };
  }

  @Get('containerregistry/registry')
  registries() {
    return {
      registry: [
        {
          name: this.context.options.registryName,
          status: 'running',
          permission: 'Manager',
          actionName: 'View,Push,Pull',
          disabled: false,
        },
      ],
    };
  }

  @Get('objectstorage/bucket')
  buckets() {
    return { bucket: [] };
  }

  @Get('sourcecommit/repository')
  sourceCommitRepositories() {
    return {
      repository: this.repositories.list().map((r) => ({ name: r.name, permission: 'Manager', actionName: 'View' })),
    };
  }

  @Get('sourcecommit/repository/:name/branch')
  async branches(@Param('name') name: string) {
    const repo = this.repositories.find(name);
    if (!repo) throw notFound(`repository "${name}" not found`);
    return {
      default: (await this.git.defaultBranch(repo.gitDir)) ?? 'main',
      branch: await this.git.branches(repo.gitDir),
    };
  }
}
