import { findAppContainer } from './app-container';
import { defaultManifest } from './default-manifest';
import { DEFAULT_MANIFEST_LIMITS, ManifestLimits } from './manifest-limits';
import { parseManifest, ParsedManifest } from './parse-manifest';
import { ManifestPolicy, MAX_PROJECT_PODS } from './policy/policy';
import { ManifestTarget, updateManifest } from './update-manifest';
import { validateManifest } from './validate-manifest';

export interface PreparedManifest {
  text: string;
  created: boolean;
  oldTag: string | null;
  oldReplicas: number | null;
}

/** What the platform, not the project, decides about manifests. */
export interface PlatformPolicy {
  /** Ingress hosts must lie under `<namespace>.<ingressDomain>` (KLEPAAS_INGRESS_DOMAIN). */
  ingressDomain?: string;
  /** Pods a project may run in all; MAX_PROJECT_PODS when not given. */
  maxPods?: number;
}

/**
 * The manifest this deploy commits: the repository's own one checked and updated, or the
 * default one when it has none (or only comments). Pure: the same input gives the same bytes,
 * which is what makes the mirror commit reproducible.
 */
export function prepareManifest(
  existing: string | null,
  target: ManifestTarget,
  limits: ManifestLimits = DEFAULT_MANIFEST_LIMITS,
  platform: PlatformPolicy = {},
): PreparedManifest {
  const policy = (app: ManifestPolicy['app']): ManifestPolicy => ({
    namespace: target.namespace,
    podSecurity: target.podSecurity ?? 'baseline',
    image: target.image,
    ingressDomain: platform.ingressDomain,
    maxPods: platform.maxPods ?? MAX_PROJECT_PODS,
    app,
  });
  const parsed = existing === null ? null : parseManifest(existing, limits);
  if (!parsed || parsed.objects.length === 0) {
    const text = defaultManifest(target);
    validateManifest(
      parseManifest(text, limits),
      policy({ position: 1, containerIndex: 0, replicas: target.replicas }),
    );
    return { text, created: true, oldTag: null, oldReplicas: null };
  }
  validateManifest(parsed, policy(appOf(parsed, target)));
  return { ...updateManifest(parsed, target, limits), created: false };
}

/** Where the deploy will write, if the app container can be told (updateManifest refuses otherwise). */
function appOf(manifest: ParsedManifest, target: ManifestTarget): ManifestPolicy['app'] {
  try {
    const app = findAppContainer(manifest, target.appName, target.image);
    return { position: app.deployment.position, containerIndex: app.index, replicas: target.replicas };
  } catch {
    return undefined;
  }
}
