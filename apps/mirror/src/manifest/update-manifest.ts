import type { Document } from 'yaml';
import { Refusal } from '../refusal';
import { findAppContainer } from './app-container';
import { tagOf } from './image-ref';
import { DEFAULT_MANIFEST_LIMITS, MANIFEST_PATH, ManifestLimits } from './manifest-limits';
import { parseManifest, ParsedManifest } from './parse-manifest';
import type { PodSecurityLevel } from './policy/policy';
import { renderManifest } from './render-manifest';

/** What the deploy asks the manifest to say. */
export interface ManifestTarget {
  appName: string;
  /** Full image reference, registry and tag included. */
  image: string;
  replicas: number;
  namespace: string;
  containerPort: number;
  /** The project's Pod Security Standards profile; baseline when not given. */
  podSecurity?: PodSecurityLevel;
}

export interface UpdatedManifest {
  text: string;
  oldTag: string | null;
  /** null when the Deployment did not say (Kubernetes then runs one). */
  oldReplicas: number | null;
}

/**
 * Points the app container at the new image, sets the replicas of its Deployment and the
 * project's namespace on every object, through the Document API so comments and layout stay.
 * The result is read back and checked, so an edit that aliases or merge keys would have
 * redirected is refused rather than pushed.
 */
export function updateManifest(
  manifest: ParsedManifest,
  target: ManifestTarget,
  limits: ManifestLimits = DEFAULT_MANIFEST_LIMITS,
): UpdatedManifest {
  const app = findAppContainer(manifest, target.appName, target.image);
  const deployment = app.deployment;
  const oldReplicas = deployment.value.spec?.replicas;
  const changed = new Set<Document>();
  const set = (document: Document, path: Array<string | number>, value: unknown, current: unknown) => {
    if (current === value) return;
    document.setIn(path, value);
    changed.add(document);
  };
  try {
    const containerPath = ['spec', 'template', 'spec', 'containers', app.index, 'image'];
    set(deployment.document, containerPath, target.image, app.image);
    set(deployment.document, ['spec', 'replicas'], target.replicas, oldReplicas);
    for (const object of manifest.objects) {
      set(object.document, ['metadata', 'namespace'], target.namespace, object.value.metadata?.namespace);
    }
  } catch (error) {
    throw new Refusal(
      'manifest_unsupported',
      `${MANIFEST_PATH} cannot be edited in place: ${(error as Error).message}`,
    );
  }
  const text = renderManifest(manifest.source, manifest.documents, changed);
  checkReadBack(text, target, limits, deployment.position, app.index);
  return {
    text,
    oldTag: app.image === null ? null : tagOf(app.image),
    oldReplicas: typeof oldReplicas === 'number' ? oldReplicas : null,
  };
}

function checkReadBack(
  text: string,
  target: ManifestTarget,
  limits: ManifestLimits,
  position: number,
  index: number,
): void {
  const reread = parseManifest(text, { ...limits, maxBytes: Math.max(limits.maxBytes, Buffer.byteLength(text)) });
  const deployment = reread.objects.find((o) => o.position === position);
  const spec = deployment?.value.spec;
  const ok =
    spec?.replicas === target.replicas &&
    spec?.template?.spec?.containers?.[index]?.image === target.image &&
    reread.objects.every((o) => o.value.metadata?.namespace === target.namespace);
  if (!ok) {
    throw new Refusal(
      'manifest_unsupported',
      `${MANIFEST_PATH} did not read back as edited (does an alias or merge key hold the image, replicas or namespace?)`,
    );
  }
}
