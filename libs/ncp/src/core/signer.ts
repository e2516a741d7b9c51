import { createHmac } from 'node:crypto';

/** The NCP API key pair. The secret never leaves the signer's closure (see createSigner). */
export interface NcpCredentials {
  accessKey: string;
  secretKey: string;
}

/** Header names of API Gateway signature v2 (docs/ncp.md, api §1). */
export const NCP_HEADERS = {
  timestamp: 'x-ncp-apigw-timestamp',
  accessKey: 'x-ncp-iam-access-key',
  signature: 'x-ncp-apigw-signature-v2',
  region: 'x-ncp-region_code',
} as const;

/**
 * The string to sign: `{METHOD} {path?query}\n{timestamp}\n{accessKey}`. The request URI is the
 * full path after the host (so a base URL with a path prefix is signed whole) plus `?` and the
 * raw query exactly as sent, as the Go SDK signs `url.RequestURI()` (docs/ncp.md, api §1).
 */
export function stringToSign(method: string, requestUri: string, timestamp: string, accessKey: string): string {
  return `${method.toUpperCase()} ${requestUri}\n${timestamp}\n${accessKey}`;
}

/** Base64 (standard alphabet, padded) of HMAC-SHA256 keyed with the secret's UTF-8 bytes. */
export function signatureV2(secretKey: string, message: string): string {
  return createHmac('sha256', Buffer.from(secretKey, 'utf8')).update(message, 'utf8').digest('base64');
}

/** Path plus `?query` of a URL, without scheme, host or fragment. */
export function requestUriOf(url: URL): string {
  return `${url.pathname}${url.search}`;
}

export interface NcpSigner {
  /** Signature headers for one request at `timestampMs`. */
  headers(method: string, url: URL, timestampMs: number): Record<string, string>;
  /** Replaces the secret key, should a server ever echo it, in text headed for an error. */
  redact(text: string): string;
}

/**
 * Returns the signer of one key pair. The keys are held only in this closure, so logging or
 * serialising a client never shows the secret.
 */
export function createSigner(credentials: NcpCredentials, region?: string): NcpSigner {
  const { accessKey, secretKey } = credentials;
  if (!accessKey || !secretKey) throw new Error('NCP access key and secret key are both required');
  return {
    headers(method, url, timestampMs) {
      // Epoch milliseconds; the header must carry the value that was signed (docs/ncp.md, api §1).
      const timestamp = String(Math.trunc(timestampMs));
      const headers: Record<string, string> = {
        [NCP_HEADERS.timestamp]: timestamp,
        [NCP_HEADERS.accessKey]: accessKey,
        [NCP_HEADERS.signature]: signatureV2(secretKey, stringToSign(method, requestUriOf(url), timestamp, accessKey)),
      };
      if (region) headers[NCP_HEADERS.region] = region;
      return headers;
    },
    redact: (text) => redactSecret(text, secretKey),
  };
}

export function redactSecret(text: string, secret: string): string {
  return secret ? text.split(secret).join('[redacted]') : text;
}
