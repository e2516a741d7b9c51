import { NcpUnexpectedResponseError, type NcpCall } from './errors';
import type { HttpMethod, NcpHttp } from './http';
import { errorFromResponse, unwrapResult } from './response';
import type { NcpSigner } from './signer';

export type QueryValue = string | number | boolean | undefined;
export type Query = Record<string, QueryValue>;

export interface CallOptions {
  query?: Query;
  body?: unknown;
  /** See RawRequest.idempotent. */
  idempotent?: boolean;
}

/**
 * Encodes each interpolated value as one path segment: `urlPath\`/repository/${name}\`` keeps a
 * `/` inside a name from changing the route (NCR wants `hello/world` as `hello%2Fworld`).
 */
export function urlPath(strings: TemplateStringsArray, ...values: Array<string | number>): string {
  return strings.reduce(
    (out, part, i) => out + part + (i < values.length ? encodeURIComponent(String(values[i])) : ''),
    '',
  );
}

/**
 * `{endpoint}{path}?{query}`. The endpoint keeps its own path prefix (a sandbox or proxy base),
 * and the query is encoded once here, so the bytes signed are the bytes sent (docs/ncp.md, api §1).
 */
export function buildUrl(endpoint: string, apiPath: string, query?: Query): URL {
  const base = endpoint.replace(/\/+$/, '');
  const pairs = Object.entries(query ?? {})
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  return new URL(`${base}${apiPath}${pairs.length ? `?${pairs.join('&')}` : ''}`);
}

export interface SignedApiOptions {
  service: string;
  /** Base URL including any prefix and, for DevTools, `/api/v1` (added by the clients). */
  baseUrl: string;
  signer: NcpSigner;
  http: NcpHttp;
}

/** A signed JSON API rooted at one base URL: signs every attempt, maps errors, unwraps `{result}`. */
export class SignedApi {
  readonly service: string;
  readonly baseUrl: string;
  private readonly signer: NcpSigner;
  private readonly http: NcpHttp;

  constructor(options: SignedApiOptions) {
    this.service = options.service;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.signer = options.signer;
    this.http = options.http;
    new URL(this.baseUrl); // fail at construction on a malformed endpoint, not on the first call
  }

  get<T>(apiPath: string, query?: Query): Promise<T> {
    return this.call<T>('GET', apiPath, { query });
  }

  post<T>(apiPath: string, body?: unknown, options: Omit<CallOptions, 'body'> = {}): Promise<T> {
    return this.call<T>('POST', apiPath, { ...options, body });
  }

  patch<T>(apiPath: string, body: unknown): Promise<T> {
    return this.call<T>('PATCH', apiPath, { body });
  }

  delete<T>(apiPath: string, body?: unknown): Promise<T> {
    return this.call<T>('DELETE', apiPath, { body });
  }

  async call<T>(method: HttpMethod, apiPath: string, options: CallOptions = {}): Promise<T> {
    const url = buildUrl(this.baseUrl, apiPath, options.query);
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const response = await this.http.send({
      service: this.service,
      method,
      url,
      idempotent: options.idempotent,
      body,
      headers: (now) => ({
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...this.signer.headers(method, url, now),
      }),
    });
    const call: NcpCall = { service: this.service, method, url: url.toString() };
    if (response.status < 200 || response.status >= 300) {
      throw errorFromResponse(response.status, response.body, call, response.attempts, this.signer.redact);
    }
    return unwrapResult<T>(response.status, response.body, call, response.attempts, this.signer.redact);
  }

  /** Fails loudly when a documented field is missing, instead of passing `undefined` on as an id. */
  expect<T>(value: T | undefined | null, what: string, method: HttpMethod, apiPath: string): T {
    if (value === undefined || value === null) {
      throw new NcpUnexpectedResponseError({
        status: 200,
        ncpMessage: `answer lacks ${what}`,
        call: { service: this.service, method, url: `${this.baseUrl}${apiPath}` },
      });
    }
    return value;
  }
}
