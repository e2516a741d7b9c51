import { Inject, Injectable } from '@nestjs/common';
import { KLEPAAS_CONFIG, KlepaasConfig } from '@klepaas/config';
import { CreateBuildProjectRequest, NCP_CLIENTS, NcpClients } from '@klepaas/ncp';

export type BuildEnvironment = CreateBuildProjectRequest['env'];

/**
 * The SourceBuild environment of every project: compute, OS, runtime and docker engine from
 * configuration (KLEPAAS_NCP_SOURCEBUILD_*), or, for what is not configured, discovered once
 * through SourceBuild's /env endpoints (the smallest compute, an Ubuntu-like OS when there is
 * one, its first runtime and version, the first docker engine).
 */
@Injectable()
export class BuildEnvironmentResolver {
  private resolved?: Promise<BuildEnvironment>;

  constructor(
    @Inject(KLEPAAS_CONFIG) private readonly config: KlepaasConfig,
    @Inject(NCP_CLIENTS) private readonly ncp: NcpClients,
  ) {}

  environment(): Promise<BuildEnvironment> {
    this.resolved ??= this.resolve().catch((error) => {
      this.resolved = undefined; // try again next time
      throw error;
    });
    return this.resolved;
  }

  private async resolve(): Promise<BuildEnvironment> {
    const configured = this.config.ncp.sourceBuildEnv;
    const build = this.ncp.sourceBuild;
    const computeId = numberOr(configured.computeId) ?? smallest(await build.listComputeTypes()).id;
    const osId = numberOr(configured.osId) ?? preferUbuntu(await build.listOs()).id;
    const runtimeId = numberOr(configured.runtimeId) ?? first(await build.listRuntimes(osId), 'runtime').id;
    const versionId =
      numberOr(configured.runtimeVersionId) ??
      first(await build.listRuntimeVersions(osId, runtimeId), 'runtime version').id;
    const dockerId = numberOr(configured.dockerEngineId) ?? first(await build.listDockerEngines(), 'docker engine').id;
    return {
      compute: { id: computeId },
      platform: {
        type: 'SourceBuild',
        config: { os: { id: osId }, runtime: { id: runtimeId, version: { id: versionId } } },
      },
      docker: { use: true, id: dockerId },
      timeout: 60,
    };
  }
}

function numberOr(value: string | undefined): number | undefined {
  return value === undefined ? undefined : Number(value);
}

function first<T>(items: T[], what: string): T {
  if (!items.length) throw new Error(`SourceBuild offers no ${what} (GET /env)`);
  return items[0];
}

function smallest<T extends { id: number; cpu?: number; mem?: number }>(items: T[]): T {
  return first(
    [...items].sort((a, b) => (a.cpu ?? 0) - (b.cpu ?? 0) || (a.mem ?? 0) - (b.mem ?? 0)),
    'compute type',
  );
}

function preferUbuntu<T extends { id: number; name?: string }>(items: T[]): T {
  return items.find((os) => /ubuntu/i.test(os.name ?? '')) ?? first(items, 'OS');
}
