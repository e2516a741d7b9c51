import { KeyObject, verify } from 'node:crypto';

/** GitHub refuses App JWTs that expire more than ten minutes ahead. */
export const MAX_JWT_LIFETIME_SECONDS = 600;
/** Allowance for the caller's clock running ahead when it sets `iat`. */
const IAT_LEEWAY_SECONDS = 60;

/**
 * Verifies a GitHub App JWT the way GitHub does: RS256 over `header.payload` with the App's
 * key, `iss` = the App id, `exp` in the future but at most ten minutes away, `iat` not in the
 * future. Returns GitHub's message for the first problem, or undefined when it is good.
 */
export function appJwtProblem(
  jwt: string,
  publicKey: KeyObject,
  appId: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): string | undefined {
  const parts = jwt.split('.');
  if (parts.length !== 3) return 'A JSON web token could not be decoded';
  const [headerPart, payloadPart, signaturePart] = parts;
  let header: { alg?: unknown };
  let payload: { iss?: unknown; exp?: unknown; iat?: unknown };
  try {
    header = JSON.parse(Buffer.from(headerPart, 'base64url').toString('utf8'));
    payload = JSON.parse(Buffer.from(payloadPart, 'base64url').toString('utf8'));
  } catch {
    return 'A JSON web token could not be decoded';
  }
  if (header.alg !== 'RS256') return 'A JSON web token could not be decoded';
  const signed = verify(
    'RSA-SHA256',
    Buffer.from(`${headerPart}.${payloadPart}`),
    publicKey,
    Buffer.from(signaturePart, 'base64url'),
  );
  if (!signed) return 'A JSON web token could not be decoded';
  if (String(payload.iss) !== appId) return "'Issuer' claim ('iss') must be an Integer";
  if (typeof payload.exp !== 'number')
    return "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires";
  if (payload.exp <= nowSeconds)
    return "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires";
  if (payload.exp - nowSeconds > MAX_JWT_LIFETIME_SECONDS)
    return "'Expiration time' claim ('exp') is too far in the future";
  if (payload.iat !== undefined && (typeof payload.iat !== 'number' || payload.iat > nowSeconds + IAT_LEEWAY_SECONDS))
    return "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued";
  return undefined;
}
