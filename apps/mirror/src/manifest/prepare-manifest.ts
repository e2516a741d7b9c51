import { defaultManifest } from './default-manifest';
import { DEFAULT_MANIFEST_LIMITS, ManifestLimits } from './manifest-limits';
import { parseManifest } from './parse-manifest';
import { ManifestTarget, updateManifest } from './update-manifest';
import { validateManifest } from './validate-manifest';

export interface PreparedManifest {
  text: string;
  created: boolean;
  oldTag: string | null;
  oldReplicas: number | null;
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
): PreparedManifest {
  const parsed = existing === null ? null : parseManifest(existing, limits);
  if (!parsed || parsed.objects.length === 0) {
    const text = defaultManifest(target);
    validateManifest(parseManifest(text, limits), target.namespace);
    return { text, created: true, oldTag: null, oldReplicas: null };
  }
  validateManifest(parsed, target.namespace);
  return { ...updateManifest(parsed, target, limits), created: false };
}
