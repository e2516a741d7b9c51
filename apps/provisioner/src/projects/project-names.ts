import { createHash } from 'node:crypto';

/** Every name a project has in NCP and on the cluster (architecture.md, decision 8). */
export interface ProjectNames {
  sourceCommitRepository: string;
  sourceBuildProject: string;
  sourceDeployProject: string;
  sourcePipeline: string;
  imageName: string;
  namespace: string;
}

/** Each service's limit. SourceDeploy documents none: the SourceBuild limit is a safe guess. */
export const NAME_LIMITS = {
  sourceCommitRepository: 100,
  sourceBuildProject: 80,
  sourceDeployProject: 80,
  sourcePipeline: 30,
  imageName: 200,
  namespace: 63,
} as const;

/** Characters of the per-project suffix (base 36: 36^8, about 2.8 × 10^12 values). */
export const SUFFIX_LENGTH = 8;

/**
 * The project's own suffix: a hash of its id (a UUID the gateway minted), so it is stable for
 * the project and differs between two projects, even of the same repository. `salt` > 0 gives
 * another one, for the (never yet seen) case where a name is already taken.
 */
export function projectSuffix(projectId: string, salt = 0): string {
  const hex = createHash('sha256')
    .update(salt ? `${projectId}:${salt}` : projectId)
    .digest('hex');
  return BigInt(`0x${hex}`).toString(36).padStart(SUFFIX_LENGTH, '0').slice(-SUFFIX_LENGTH);
}

/**
 * Names derived from owner/repo, lower-cased and shortened to fit each limit, every NCP name
 * and the namespace ending with the project's suffix: `a-b/c` and `a/b-c` both read `a-b-c`,
 * and a repository registered again after unregistering is a new project, so neither ever meets
 * another project's resources, live or left behind. The image name is `{owner}-{repo}` without
 * a suffix when `plainImage` (the caller knows no project ever used it), else with it.
 */
export function deriveProjectNames(
  owner: string,
  repo: string,
  projectId: string,
  options: { salt?: number; plainImage?: boolean } = {},
): ProjectNames {
  const base = `${owner}-${repo}`.toLowerCase();
  const suffix = projectSuffix(projectId, options.salt);
  const withSuffix = (name: string, limit: number) => `${trimEnd(name.slice(0, limit - SUFFIX_LENGTH - 1))}-${suffix}`;
  const ncp = base.replace(/[^a-z0-9_-]/g, '-');
  // Letters, digits and single hyphens: valid both as a DNS label and as a registry image name.
  const dns = trimEnd(
    base
      .replace(/[^a-z0-9-]/g, '-')
      .replace(/-+/g, '-')
      .replace(/^-+/, ''),
  );
  return {
    sourceCommitRepository: withSuffix(ncp, NAME_LIMITS.sourceCommitRepository),
    sourceBuildProject: withSuffix(ncp, NAME_LIMITS.sourceBuildProject),
    sourceDeployProject: withSuffix(ncp, NAME_LIMITS.sourceDeployProject),
    sourcePipeline: withSuffix(ncp, NAME_LIMITS.sourcePipeline),
    imageName: options.plainImage ? dns.slice(0, NAME_LIMITS.imageName) : withSuffix(dns, NAME_LIMITS.imageName),
    namespace: withSuffix(dns, NAME_LIMITS.namespace),
  };
}

/** Names must end with a letter or digit (image and DNS rules); NCP names do not mind. */
function trimEnd(name: string): string {
  return name.replace(/[^a-z0-9]+$/, '');
}

export { DEPLOY_BRANCH, MANIFEST_PATH } from '@klepaas/contracts';
/** Fixed within the project's own SourceDeploy project, so no collision is possible. */
export const STAGE_NAME = 'nks';
export const SCENARIO_NAME = 'rolling';
