import { createHmac, timingSafeEqual } from 'node:crypto';

/** The gateway's tolerance for clock difference (docs/ncp.md, api §1). */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

export interface SignedRequest {
  method: string;
  /** Path plus `?query` exactly as sent (Express's `originalUrl`). */
  url: string;
  headers: Record<string, string | string[] | undefined>;
}

/** Base64(HMAC-SHA256(secret, "{METHOD} {uri}\n{timestamp}\n{accessKey}")). */
export function signV2(secretKey: string, method: string, url: string, timestamp: string, accessKey: string): string {
  return createHmac('sha256', secretKey)
    .update(`${method.toUpperCase()} ${url}\n${timestamp}\n${accessKey}`)
    .digest('base64');
}

/**
 * Checks a request's signature v2 headers. Returns why it fails, or undefined when it is good.
 * Accepts the signature under `-v2` (documented) and `-v1` (what the official Go SDK sends).
 */
export function verifySignatureV2(
  request: SignedRequest,
  secretFor: (accessKey: string) => string | undefined,
  now = Date.now(),
): string | undefined {
  const header = (name: string) => {
    const value = request.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const timestamp = header('x-ncp-apigw-timestamp');
  const accessKey = header('x-ncp-iam-access-key');
  const signature = header('x-ncp-apigw-signature-v2') ?? header('x-ncp-apigw-signature-v1');
  if (!timestamp || !accessKey || !signature) return 'missing signature headers';
  if (!/^\d+$/.test(timestamp)) return 'timestamp is not epoch milliseconds';
  if (Math.abs(now - Number(timestamp)) > MAX_CLOCK_SKEW_MS) return 'timestamp more than 5 minutes off';
  const secret = secretFor(accessKey);
  if (secret === undefined) return 'unknown access key';
  const expected = Buffer.from(signV2(secret, request.method, request.url, timestamp, accessKey));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'signature mismatch';
  return undefined;
}
