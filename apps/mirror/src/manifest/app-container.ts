import { Refusal } from '../refusal';
import { MANIFEST_PATH } from './manifest-limits';
import { isRecord, ManifestObject, ParsedManifest } from './parse-manifest';
import { parseImageRef } from './image-ref';

/** The container that runs the project's image, and the Deployment that holds it. */
export interface AppContainer {
  deployment: ManifestObject;
  /** Index in the Deployment's `spec.template.spec.containers`. */
  index: number;
  image: string | null;
}

interface Candidate extends AppContainer {
  name: unknown;
}

/**
 * Finds the app container, by the first rule that matches: the container named after the app;
 * else the one whose image is this project's image (any tag); else the only container of the
 * only Deployment. Two matches under one rule are ambiguous and refused, not guessed.
 */
export function findAppContainer(manifest: ParsedManifest, appName: string, image: string): AppContainer {
  const candidates = manifest.objects
    .filter((o) => o.kind === 'Deployment')
    .flatMap((deployment) => containersOf(deployment));
  const repository = parseImageRef(image).repository;
  const rules: Array<[string, (c: Candidate) => boolean]> = [
    [`named "${appName}"`, (c) => c.name === appName],
    [`running ${repository}`, (c) => c.image !== null && parseImageRef(c.image).repository === repository],
    ['in the only Deployment', () => candidates.length === 1],
  ];
  for (const [rule, matches] of rules) {
    const found = candidates.filter(matches);
    if (found.length === 1) return found[0];
    if (found.length > 1) {
      const names = found.map((c) => `"${String(c.name)}" in Deployment "${c.deployment.name}"`).join(', ');
      throw new Refusal(
        'manifest_unsupported',
        `${MANIFEST_PATH} has ${found.length} containers ${rule} (${names}); name the app container "${appName}"`,
      );
    }
  }
  throw new Refusal(
    'manifest_unsupported',
    candidates.length === 0
      ? `${MANIFEST_PATH} has no Deployment with containers to run the image in`
      : `${MANIFEST_PATH} has several containers and none is the app's: name the app container "${appName}"`,
  );
}

function containersOf(deployment: ManifestObject): Candidate[] {
  const containers = deployment.value.spec?.template?.spec?.containers;
  if (!Array.isArray(containers)) return [];
  return containers.map((container: unknown, index: number) => ({
    deployment,
    index,
    name: isRecord(container) ? container.name : undefined,
    image: isRecord(container) && typeof container.image === 'string' ? container.image : null,
  }));
}
