import { createHmac } from 'node:crypto';

/**
 * A deliberately tiny NCP client for the sandbox's tests: signs requests with signature v2
 * using node:crypto on its own (the real client lives in libs/ncp), so these tests check the
 * sandbox against the documented algorithm rather than against its own code.
 */
export function signatureV2(
  secretKey: string,
  method: string,
  uri: string,
  timestamp: string,
  accessKey: string,
): string {
  return createHmac('sha256', secretKey).update(`${method} ${uri}\n${timestamp}\n${accessKey}`).digest('base64');
}

export interface NcpResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface SignOptions {
  timestamp?: number;
  accessKey?: string;
  secretKey?: string;
  /** The URI put into the string to sign, when a test wants it to differ from the one sent. */
  signedUri?: string;
  /** Which header carries the signature (the Go SDK sends -v1). */
  signatureHeader?: 'x-ncp-apigw-signature-v2' | 'x-ncp-apigw-signature-v1';
}

export class NcpTestClient {
  constructor(
    readonly baseUrl: string,
    private readonly accessKey: string,
    private readonly secretKey: string,
  ) {}

  /** `uri` is the full path after the host, prefix and query included (e.g. /ncp/sourcebuild/api/v1/project?pageNo=1). */
  async request<T = any>(method: string, uri: string, body?: unknown, sign: SignOptions = {}): Promise<NcpResponse<T>> {
    const timestamp = String(sign.timestamp ?? Date.now());
    const accessKey = sign.accessKey ?? this.accessKey;
    const signature = signatureV2(
      sign.secretKey ?? this.secretKey,
      method,
      sign.signedUri ?? uri,
      timestamp,
      accessKey,
    );
    const response = await fetch(`${this.baseUrl}${uri}`, {
      method,
      headers: {
        'x-ncp-apigw-timestamp': timestamp,
        'x-ncp-iam-access-key': accessKey,
        [sign.signatureHeader ?? 'x-ncp-apigw-signature-v2']: signature,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
  }

  get<T = any>(uri: string, sign?: SignOptions) {
    return this.request<T>('GET', uri, undefined, sign);
  }

  post<T = any>(uri: string, body?: unknown, sign?: SignOptions) {
    return this.request<T>('POST', uri, body, sign);
  }

  /** POST that must succeed; returns `result`. */
  async ok<T = any>(method: string, uri: string, body?: unknown): Promise<T> {
    const response = await this.request(method, uri, body);
    if (response.status !== 200)
      throw new Error(`${method} ${uri} answered ${response.status}: ${JSON.stringify(response.body)}`);
    return response.body.result as T;
  }
}
