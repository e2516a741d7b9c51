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

/**
 * Names derived from owner/repo, lower-cased, within each limit. A name that had to be
 * shortened, or that would meet another repository's (`a-b/c` and `a/b-c` both give `a-b-c`:
 * `hashed`), ends with a short hash of the GitHub repository id, which is unique and stable.
 */
export function deriveProjectNames(
  owner: string,
  repo: string,
  githubRepositoryId: number,
  hashed = false,
): ProjectNames {
  const base = `${owner}-${repo}`.toLowerCase();
  const suffix = createHash('sha256').update(String(githubRepositoryId)).digest('hex').slice(0, 6);
  const fit = (name: string, limit: number, separator = '-') =>
    hashed || name.length > limit ? `${trimEnd(name.slice(0, limit - suffix.length - 1))}${separator}${suffix}` : name;
  const ncp = base.replace(/[^a-z0-9_-]/g, '-');
  // Letters, digits and single hyphens: valid both as a DNS label and as a registry image name.
  const dns = trimEnd(
    base
      .replace(/[^a-z0-9-]/g, '-')
      .replace(/-+/g, '-')
      .replace(/^-+/, ''),
  );
  return {
    sourceCommitRepository: fit(ncp, NAME_LIMITS.sourceCommitRepository),
    sourceBuildProject: fit(ncp, NAME_LIMITS.sourceBuildProject),
    sourceDeployProject: fit(ncp, NAME_LIMITS.sourceDeployProject),
    sourcePipeline: fit(ncp, NAME_LIMITS.sourcePipeline),
    imageName: fit(dns, NAME_LIMITS.imageName),
    namespace: fit(dns, NAME_LIMITS.namespace),
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
