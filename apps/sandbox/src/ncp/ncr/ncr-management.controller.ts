import { Controller, Get, Param, Query } from '@nestjs/common';
import { SandboxContext } from '../../common/sandbox-context';
import { ImageRepository, RegistryStore } from '../../registry/registry.store';
import { NcpApi } from '../ncp-api.decorator';
import { notFound } from '../ncp-error';
import { positiveIntQuery } from '../ncp-validation';

/**
 * NCR management API v2 (docs/ncp.md, api §7), under /ncp/ncr/api/v2: signed like every NCP
 * API, answered unwrapped in NCR's paged shape. `imageName` arrives URI-encoded
 * (`hello%2Fworld`) and Express decodes the parameter.
 */
@Controller('ncp/ncr/api/v2/repositories')
@NcpApi({ wrapResult: false })
export class NcrManagementController {
  constructor(
    private readonly store: RegistryStore,
    private readonly context: SandboxContext,
  ) {}

  @Get(':registry')
  repositories(
    @Param('registry') registry: string,
    @Query('page') page?: string,
    @Query('pagesize') pagesize?: string,
  ) {
    this.mustBeOurRegistry(registry);
    const items = this.store.list().map((repo) => ({
      name: repo.name,
      description: '',
      is_public: false,
      pull_count: 0,
      created: new Date(repo.createdAt).toISOString(),
      last_updated: new Date(repo.updatedAt).toISOString(),
      tag_count: repo.tags.size,
    }));
    return paged(items, page, pagesize);
  }

  @Get(':registry/:imageName/tags')
  tags(
    @Param('registry') registry: string,
    @Param('imageName') imageName: string,
    @Query('page') page?: string,
    @Query('pagesize') pagesize?: string,
  ) {
    const repo = this.mustFindImage(registry, imageName);
    const items = [...repo.tags.keys()].sort().map((tag) => this.tagView(repo, tag));
    return paged(items, page, pagesize);
  }

  @Get(':registry/:imageName/tags/:tag')
  tag(@Param('registry') registry: string, @Param('imageName') imageName: string, @Param('tag') tag: string) {
    const repo = this.mustFindImage(registry, imageName);
    if (!repo.tags.has(tag)) throw notFound(`tag "${tag}" of image "${imageName}" not found`);
    return this.tagView(repo, tag);
  }

  private mustBeOurRegistry(registry: string): void {
    if (registry !== this.context.options.registryName) throw notFound(`registry "${registry}" not found`);
  }

  private mustFindImage(registry: string, imageName: string): ImageRepository {
    this.mustBeOurRegistry(registry);
    const repo = this.store.repository(imageName);
    if (!repo) throw notFound(`image "${imageName}" not found in registry "${registry}"`);
    return repo;
  }

  private tagView(repo: ImageRepository, tag: string) {
    const { digest, pushedAt } = repo.tags.get(tag)!;
    const manifest = repo.manifests.get(digest)!;
    const size = [...repo.blobs.values()].reduce((sum, blob) => sum + blob.length, 0);
    const at = new Date(pushedAt).toISOString();
    return {
      name: tag,
      repository: repo.name,
      digest,
      id: digest,
      image_id: digest,
      full_size: size,
      creator: 'sandbox-sourcebuild',
      last_updater: 'sandbox-sourcebuild',
      last_updated: at,
      v2: true,
      images: [
        {
          architecture: 'amd64',
          os: 'linux',
          digest,
          mediaType: manifest.mediaType,
          size,
          created: new Date(manifest.createdAt).toISOString(),
        },
      ],
    };
  }
}

/** NCR's paging: `page` and `pagesize` must be positive; `next`/`previous` are page numbers or null. */
function paged<T>(items: T[], rawPage?: string, rawSize?: string) {
  const page = positiveIntQuery(rawPage, 'page') ?? 1;
  const size = positiveIntQuery(rawSize, 'pagesize') ?? 100;
  const results = items.slice((page - 1) * size, page * size);
  return {
    count: items.length,
    next: page * size < items.length ? page + 1 : null,
    previous: page > 1 ? page - 1 : null,
    results,
  };
}
