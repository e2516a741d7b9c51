import { Injectable } from '@nestjs/common';
import { ResetHooks } from '../common/reset-hooks';
import { BuiltImage } from './image-manifest';

export interface StoredManifest {
  digest: string;
  mediaType: string;
  bytes: Buffer;
  createdAt: number;
  buildId: string;
  commit: string;
}

export interface ImageRepository {
  name: string;
  createdAt: number;
  updatedAt: number;
  tags: Map<string, { digest: string; pushedAt: number }>;
  manifests: Map<string, StoredManifest>;
  blobs: Map<string, Buffer>;
}

/**
 * The container registry's content: repositories of tagged manifests and their blobs. Filled
 * only by successful SourceBuild builds; read by the v2 endpoint, the NCR management API and
 * SourceDeploy (which refuses images that are not here).
 */
@Injectable()
export class RegistryStore {
  private readonly repositories = new Map<string, ImageRepository>();

  constructor(resetHooks: ResetHooks) {
    resetHooks.register(() => this.repositories.clear());
  }

  publish(name: string, tags: string[], image: BuiltImage, origin: { buildId: string; commit: string }): void {
    const now = Date.now();
    const repo = this.repositories.get(name) ?? {
      name,
      createdAt: now,
      updatedAt: now,
      tags: new Map(),
      manifests: new Map(),
      blobs: new Map(),
    };
    repo.manifests.set(image.digest, {
      digest: image.digest,
      mediaType: image.mediaType,
      bytes: image.manifest,
      createdAt: now,
      ...origin,
    });
    for (const [digest, blob] of image.blobs) repo.blobs.set(digest, blob);
    for (const tag of tags) repo.tags.set(tag, { digest: image.digest, pushedAt: now });
    repo.updatedAt = now;
    this.repositories.set(name, repo);
  }

  list(): ImageRepository[] {
    return [...this.repositories.values()];
  }

  repository(name: string): ImageRepository | undefined {
    return this.repositories.get(name);
  }

  /** A manifest by tag or by digest. */
  manifest(name: string, reference: string): StoredManifest | undefined {
    const repo = this.repositories.get(name);
    if (!repo) return undefined;
    const digest = reference.startsWith('sha256:') ? reference : repo.tags.get(reference)?.digest;
    return digest ? repo.manifests.get(digest) : undefined;
  }

  blob(name: string, digest: string): Buffer | undefined {
    return this.repositories.get(name)?.blobs.get(digest);
  }
}
