import { Document, isMap, parseAllDocuments } from 'yaml';
import { Refusal } from '../refusal';
import { DEFAULT_MANIFEST_LIMITS, MANIFEST_PATH, ManifestLimits } from './manifest-limits';

/** One Kubernetes object of the manifest: its editable document and a plain view for checks. */
export interface ManifestObject {
  /** 1-based position among the file's documents, for messages. */
  position: number;
  document: Document;
  /** The object as Kubernetes will read it (aliases and merge keys resolved). */
  value: Record<string, any>;
  apiVersion: string;
  kind: string;
  name: string;
}

export interface ParsedManifest {
  source: string;
  /** Every document, empty ones included, in file order (rendering keeps them all). */
  documents: Document[];
  objects: ManifestObject[];
}

/**
 * Reads `k8s/deployment.yaml` as Kubernetes would, refusing what must not go further: files
 * over the size cap (before parsing them), YAML errors, alias bombs, and documents that are not
 * Kubernetes objects. YAML 1.1 on purpose: Kubernetes' parser reads `yes`/`on` as true and
 * honours `<<` merge keys, so the checks must see the same values it will.
 */
export function parseManifest(source: string, limits: ManifestLimits = DEFAULT_MANIFEST_LIMITS): ParsedManifest {
  const bytes = Buffer.byteLength(source, 'utf8');
  if (bytes > limits.maxBytes) {
    throw new Refusal(
      'manifest_too_large',
      `${MANIFEST_PATH} is ${kib(bytes)} KB; manifests over ${kib(limits.maxBytes)} KB are refused`,
    );
  }
  let documents: Document[];
  try {
    documents = parseAllDocuments(source, { version: '1.1', uniqueKeys: true, prettyErrors: true }) as Document[];
  } catch (error) {
    // Pathological input (e.g. nesting deep enough to exhaust the stack) is not a manifest either.
    throw new Refusal('manifest_invalid', `${MANIFEST_PATH} is not valid YAML: ${(error as Error).message}`);
  }
  const objects: ManifestObject[] = [];
  documents.forEach((document, i) => {
    const position = i + 1;
    const [error] = document.errors;
    if (error) {
      throw new Refusal(
        'manifest_invalid',
        `${MANIFEST_PATH} is not valid YAML (document ${position}): ${error.message}`,
      );
    }
    const value = toPlain(document, limits, position);
    // An empty document (a trailing `---`, comments only) holds no object; kubectl skips it too.
    if (value === null || value === undefined) return;
    objects.push(describeObject(document, value, position));
  });
  return { source, documents, objects };
}

function toPlain(document: Document, limits: ManifestLimits, position: number): unknown {
  try {
    return document.toJS({ maxAliasCount: limits.maxAliasCount });
  } catch (error) {
    if (error instanceof ReferenceError && /alias/i.test(error.message)) {
      throw new Refusal(
        'manifest_alias_limit',
        `${MANIFEST_PATH} document ${position} expands YAML aliases more than ${limits.maxAliasCount} times (an alias bomb?); refused`,
      );
    }
    throw new Refusal('manifest_invalid', `${MANIFEST_PATH} document ${position} cannot be read: ${String(error)}`);
  }
}

function describeObject(document: Document, value: unknown, position: number): ManifestObject {
  const object = isMap(document.contents) && isRecord(value) ? value : undefined;
  const metadata = object && isRecord(object.metadata) ? object.metadata : undefined;
  const apiVersion = object?.apiVersion;
  const kind = object?.kind;
  const name = metadata?.name;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string' || typeof name !== 'string' || !name) {
    throw new Refusal(
      'manifest_invalid',
      `${MANIFEST_PATH} document ${position} is not a Kubernetes object (a mapping with apiVersion, kind and metadata.name)`,
    );
  }
  return { position, document, value: object!, apiVersion, kind, name };
}

export function isRecord(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function kib(bytes: number): string {
  return (bytes / 1024).toFixed(bytes % 1024 === 0 ? 0 : 1);
}
