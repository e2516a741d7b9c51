import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';

export const DOCKER_MANIFEST_V2 = 'application/vnd.docker.distribution.manifest.v2+json';
/** Any of these in Accept means the client speaks schema 2 / OCI (schema 1 is never served). */
export const ACCEPTED_MANIFEST_TYPES = [
  DOCKER_MANIFEST_V2,
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
];

export interface BuiltImage {
  manifest: Buffer;
  mediaType: string;
  digest: string;
  /** Config and layer blobs by digest. */
  blobs: Map<string, Buffer>;
}

export const sha256Digest = (bytes: Buffer): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/**
 * The image a sandbox build "produces": a genuine schema-2 manifest and config whose labels
 * name the commit and build, over one placeholder layer (gzip of the Dockerfile, not a real
 * root filesystem: nothing here runs containers). Two builds of one commit get two digests, as
 * real builds do, because the config records when and by which build it was made.
 */
export function buildImage(input: {
  commit: string;
  buildId: string;
  repository: string;
  dockerfile: Buffer;
  createdAt: Date;
}): BuiltImage {
  const layerRaw = Buffer.concat([
    Buffer.from(`# sandbox build ${input.buildId} of ${input.repository}@${input.commit}\n`),
    input.dockerfile,
  ]);
  const layer = gzipSync(layerRaw);
  const created = input.createdAt.toISOString();
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      created,
      config: {
        Labels: {
          'org.opencontainers.image.revision': input.commit,
          'org.opencontainers.image.source': input.repository,
          'io.klepaas.sandbox.build-id': input.buildId,
        },
      },
      rootfs: { type: 'layers', diff_ids: [sha256Digest(layerRaw)] },
      history: [{ created, created_by: `sandbox SourceBuild ${input.buildId}` }],
    }),
  );
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: DOCKER_MANIFEST_V2,
      config: {
        mediaType: 'application/vnd.docker.container.image.v1+json',
        size: config.length,
        digest: sha256Digest(config),
      },
      layers: [
        {
          mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
          size: layer.length,
          digest: sha256Digest(layer),
        },
      ],
    }),
  );
  return {
    manifest,
    mediaType: DOCKER_MANIFEST_V2,
    digest: sha256Digest(manifest),
    blobs: new Map([
      [sha256Digest(config), config],
      [sha256Digest(layer), layer],
    ]),
  };
}
