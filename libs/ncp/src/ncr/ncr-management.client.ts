import { NcpClientBase, type NcpClientOptions } from '../core/client-base';
import { urlPath } from '../core/signed-api';
import { NCP_DEFAULT_ENDPOINTS } from '../endpoints';
import type { NcrTagList, NcrTagQuery } from './ncr.models';

/**
 * NCR management API v2, signed like the DevTools APIs. Its `endpoint` is the FULL base
 * (`https://ncr.apigw.ntruss.com/ncr/api/v2` by default), so `/ncr/api/v2` is part of the signed
 * path (docs/ncp.md sections 1, 7).
 */
export class NcrManagementClient extends NcpClientBase {
  constructor(options: NcpClientOptions) {
    super('NCR', options, NCP_DEFAULT_ENDPOINTS.containerRegistryApi, '');
  }

  /**
   * `GET /repositories/{registry}/{imageName}/tags?page&pagesize`. `imageName` is one encoded
   * segment (`hello/world` → `hello%2Fworld`), as the docs require.
   */
  async listTags(registry: string, imageName: string, query: NcrTagQuery = {}): Promise<NcrTagList> {
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && !(Number.isInteger(value) && value > 0))
        throw new Error(`NCR ${key} must be a positive integer`);
    }
    const result = await this.api.get<Partial<NcrTagList>>(urlPath`/repositories/${registry}/${imageName}/tags`, {
      ...query,
    });
    return { ...result, count: result?.count ?? result?.results?.length ?? 0, results: result?.results ?? [] };
  }
}
