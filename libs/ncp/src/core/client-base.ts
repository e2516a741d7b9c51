import { NcpHttp } from './http';
import { SignedApi } from './signed-api';
import { createSigner } from './signer';

/** What every NCP client is built from. */
export interface NcpClientOptions {
  /** Base URL; may carry a path prefix (e.g. `http://127.0.0.1:4000/ncp/sourcebuild`). */
  endpoint?: string;
  accessKey: string;
  secretKey: string;
  /** Sent as `x-ncp-region_code` when given, e.g. `KR`. */
  region?: string;
  /** A transport shared with the other clients; each client makes its own when absent. */
  http?: NcpHttp;
}

/** Wires a client's signed API; closes the transport only when the client made it. */
export abstract class NcpClientBase {
  protected readonly api: SignedApi;
  protected readonly http: NcpHttp;
  private readonly ownsHttp: boolean;

  protected constructor(service: string, options: NcpClientOptions, defaultEndpoint: string, apiPrefix: string) {
    this.ownsHttp = !options.http;
    this.http = options.http ?? new NcpHttp();
    const endpoint = (options.endpoint || defaultEndpoint).replace(/\/+$/, '');
    this.api = new SignedApi({
      service,
      baseUrl: `${endpoint}${apiPrefix}`,
      signer: createSigner({ accessKey: options.accessKey, secretKey: options.secretKey }, options.region),
      http: this.http,
    });
  }

  /** The API base this client calls, prefix and `/api/v1` included. */
  get baseUrl(): string {
    return this.api.baseUrl;
  }

  async close(): Promise<void> {
    if (this.ownsHttp) await this.http.close();
  }
}
