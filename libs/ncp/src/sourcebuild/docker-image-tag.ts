import type { BuildCommands } from './sourcebuild.models';

/** Terraform provider rules for `cmd.dockerbuild` (docs/ncp.md, api §4.2). */
export const DOCKER_IMAGE_TAG_PATTERN = /^[\w#][\w#.-]{0,79}$/;
export const DOCKER_IMAGE_NAME_PATTERN = /^[a-z0-9]+(([._]|__|[-]*)[a-z0-9]+)*$/;

export function isValidDockerImageTag(tag: string): boolean {
  return DOCKER_IMAGE_TAG_PATTERN.test(tag);
}

/**
 * The project's `cmd` with `dockerbuild.tag` replaced, everything else kept. The whole `cmd` is
 * sent back because PATCH's merge depth is undocumented: sending only `{dockerbuild:{tag}}` could
 * wipe the registry, image and commands, and `pre/build/post` are required once `cmd` is present
 * (docs/ncp.md, api §4.2, 4.5).
 */
export function withDockerImageTag(cmd: Partial<BuildCommands> | undefined, tag: string): BuildCommands {
  if (!isValidDockerImageTag(tag))
    throw new Error(`invalid docker image tag "${tag}": must match ${DOCKER_IMAGE_TAG_PATTERN}`);
  if (!cmd?.dockerbuild?.use) {
    throw new Error(
      'the SourceBuild project has no docker build (cmd.dockerbuild.use is not true), so an image tag means nothing',
    );
  }
  return {
    ...cmd,
    pre: cmd.pre ?? [],
    build: cmd.build ?? [],
    post: cmd.post ?? [],
    dockerbuild: { ...cmd.dockerbuild, tag },
  };
}
