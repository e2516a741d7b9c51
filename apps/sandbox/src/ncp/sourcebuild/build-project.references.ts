import { BuildProjectSpec, IMAGE_NAME, IMAGE_TAG } from './build-project.schemas';
import { COMPUTE, DOCKER_ENGINES, OS, RUNTIMES } from './env-catalog';

export interface ReferenceWorld {
  repositoryExists(name: string): boolean;
  registryName: string;
}

/**
 * What the schema cannot see: the references a build project makes must exist (repository,
 * compute, OS, runtime, docker engine, registry) and the image targets must be complete and
 * well formed. Returns every problem, so one 400 tells the caller all of them.
 */
export function checkBuildProjectReferences(spec: BuildProjectSpec, world: ReferenceWorld): string[] {
  const problems: string[] = [];
  const { source, env, cmd, cache, artifact } = spec;
  if (!world.repositoryExists(source.config.repository))
    problems.push(`source.config.repository: SourceCommit repository "${source.config.repository}" does not exist`);
  if (!COMPUTE.some((c) => c.id === env.compute.id))
    problems.push(`env.compute.id: no compute type ${env.compute.id} (see GET /env/compute)`);
  const platform = env.platform;
  if (platform.type === 'SourceBuild') {
    const osId = platform.config.os?.id;
    const runtime = osId === undefined ? undefined : RUNTIMES[osId]?.find((r) => r.id === platform.config.runtime?.id);
    if (!OS.some((os) => os.id === osId)) problems.push('env.platform.config.os.id: required, one of GET /env/os');
    else if (!runtime) problems.push(`env.platform.config.runtime.id: required, one of GET /env/os/${osId}/runtime`);
    else if (!runtime.versions.some((v) => v.id === platform.config.runtime?.version?.id))
      problems.push(
        `env.platform.config.runtime.version.id: required, one of GET /env/os/${osId}/runtime/${runtime.id}/version`,
      );
  } else {
    problems.push(
      ...checkImageTarget(
        'env.platform.config',
        { use: true, ...platform.config },
        world,
        platform.type === 'ContainerRegistry',
      ),
    );
  }
  if (env.docker?.use && env.docker.id !== undefined && !DOCKER_ENGINES.some((d) => d.id === env.docker?.id))
    problems.push(`env.docker.id: no docker engine ${env.docker.id} (see GET /env/docker)`);
  if (cmd?.dockerbuild?.use) {
    problems.push(...checkImageTarget('cmd.dockerbuild', cmd.dockerbuild, world, true));
    // Building an image needs the build environment's docker engine, as the console insists.
    if (!env.docker?.use) problems.push('cmd.dockerbuild: a docker image build needs env.docker.use = true');
  }
  if (cache?.use) problems.push(...checkImageTarget('cache', cache, world, true));
  if (artifact?.use)
    problems.push(
      `artifact.storage.bucket: Object Storage bucket "${artifact.storage?.bucket ?? ''}" does not exist (the sandbox has no buckets)`,
    );
  return problems;
}

function checkImageTarget(
  where: string,
  target: { use?: boolean; registry?: string; image?: string; tag?: string },
  world: ReferenceWorld,
  needsRegistry: boolean,
): string[] {
  const problems: string[] = [];
  if (needsRegistry && target.registry !== world.registryName)
    problems.push(
      `${where}.registry: Container Registry "${target.registry ?? ''}" does not exist (this account has "${world.registryName}")`,
    );
  if (!target.image || target.image.length > 200 || !IMAGE_NAME.test(target.image))
    problems.push(
      `${where}.image: required, 1-200 characters of lower-case letters and digits joined by ".", "_", "__" or "-", no "/"`,
    );
  if (!target.tag || target.tag.length > 80 || !IMAGE_TAG.test(target.tag))
    problems.push(`${where}.tag: required, 1-80 characters matching ^[\\w#][\\w#.-]*$`);
  return problems;
}
