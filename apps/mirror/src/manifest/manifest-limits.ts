/** Where the manifest lives in the repository: the SourceDeploy scenario reads this one path. */
export const MANIFEST_PATH = 'k8s/deployment.yaml';

export interface ManifestLimits {
  /** Bigger files are refused before they are parsed. */
  maxBytes: number;
  /** Alias expansions allowed while reading (yaml's `maxAliasCount`): stops "billion laughs". */
  maxAliasCount: number;
}

/** A real Deployment + Service is a few KB; 256 KB leaves room for many objects and comments. */
export const DEFAULT_MANIFEST_LIMITS: ManifestLimits = { maxBytes: 256 * 1024, maxAliasCount: 50 };
