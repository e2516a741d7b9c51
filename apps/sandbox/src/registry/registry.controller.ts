import { All, Controller, Get, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { SandboxContext } from '../common/sandbox-context';
import { ACCEPTED_MANIFEST_TYPES } from './image-manifest';
import { RegistryError } from './registry-error';
import { RegistryTokens } from './registry-tokens.service';
import { RegistryStore } from './registry.store';

/** Docker Distribution's repository name grammar. */
const NAME = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;

/**
 * Registry HTTP API v2, read side, at the root as the protocol requires. Token auth as Docker
 * Distribution does it: no or a wrong token gets 401 with a Bearer challenge naming the realm
 * (/ncp/ncr/token), the service (the registry name) and the scope the request needs.
 */
@Controller('v2')
export class RegistryController {
  constructor(
    private readonly store: RegistryStore,
    private readonly tokens: RegistryTokens,
    private readonly context: SandboxContext,
  ) {}

  @Get()
  base(@Req() req: Request, @Res() res: Response): void {
    this.authorize(req);
    res.setHeader('Docker-Distribution-API-Version', 'registry/2.0');
    res.json({});
  }

  @All('*path')
  route(@Req() req: Request, @Res() res: Response): void {
    res.setHeader('Docker-Distribution-API-Version', 'registry/2.0');
    const rest = req.path.slice('/v2/'.length);
    const manifest = /^(.+)\/manifests\/([^/]+)$/.exec(rest);
    const blob = /^(.+)\/blobs\/([^/]+)$/.exec(rest);
    const tags = /^(.+)\/tags\/list$/.exec(rest);
    const name = (manifest ?? blob ?? tags)?.[1];
    if (!name) throw new RegistryError(404, 'NOT_FOUND', 'page not found');
    if (!NAME.test(name)) throw new RegistryError(400, 'NAME_INVALID', 'invalid repository name', name);
    if (req.method !== 'GET' && req.method !== 'HEAD')
      throw new RegistryError(
        405,
        'UNSUPPORTED',
        'The operation is unsupported.',
        'the sandbox registry is read-only: images come from SourceBuild builds',
      );
    this.authorize(req, name);
    if (manifest) return this.manifest(req, res, name, decodeURIComponent(manifest[2]));
    if (blob) return this.blob(res, name, decodeURIComponent(blob[2]));
    const repo = this.store.repository(name);
    if (!repo) throw new RegistryError(404, 'NAME_UNKNOWN', 'repository name not known to registry', { name });
    res.json({ name, tags: [...repo.tags.keys()].sort() });
  }

  private manifest(req: Request, res: Response, name: string, reference: string): void {
    const accept = req.headers.accept ?? '';
    // Docker Distribution 2.8 with schema 1 disabled answers 400 when the client does not
    // accept a schema-2 or OCI type; clients must always send them.
    if (!ACCEPTED_MANIFEST_TYPES.some((type) => accept.includes(type)))
      throw new RegistryError(
        400,
        'MANIFEST_INVALID',
        'manifest invalid',
        'Accept names no schema-2 or OCI manifest type; schema 1 is not served',
      );
    if (!this.store.repository(name))
      throw new RegistryError(404, 'NAME_UNKNOWN', 'repository name not known to registry', { name });
    const found = this.store.manifest(name, reference);
    if (!found)
      throw new RegistryError(
        404,
        'MANIFEST_UNKNOWN',
        'manifest unknown',
        reference.startsWith('sha256:') ? { Digest: reference } : { Tag: reference },
      );
    res.setHeader('Content-Type', found.mediaType);
    res.setHeader('Docker-Content-Digest', found.digest);
    res.setHeader('ETag', `"${found.digest}"`);
    res.send(found.bytes);
  }

  private blob(res: Response, name: string, digest: string): void {
    const bytes = this.store.blob(name, digest);
    if (!bytes) throw new RegistryError(404, 'BLOB_UNKNOWN', 'blob unknown to registry', digest);
    res.setHeader('Content-Type', 'application/octet-stream');
    res.setHeader('Docker-Content-Digest', digest);
    res.send(bytes);
  }

  /** Throws the 401 challenge unless a live Bearer token covers `repository:<name>:pull`. */
  private authorize(req: Request, name?: string): void {
    const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (this.tokens.allows(token, name)) return;
    const scope = name ? `,scope="repository:${name}:pull"` : '';
    const insufficient = token && this.tokens.allows(token) ? ',error="insufficient_scope"' : '';
    const challenge = `Bearer realm="${this.context.baseUrl}/ncp/ncr/token",service="${this.context.options.registryName}"${scope}${insufficient}`;
    const detail = name ? [{ Type: 'repository', Class: '', Name: name, Action: 'pull' }] : undefined;
    throw new RegistryError(401, 'UNAUTHORIZED', 'authentication required', detail, { 'WWW-Authenticate': challenge });
  }
}
