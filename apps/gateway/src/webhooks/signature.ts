import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * GitHub signs the exact raw bytes with HMAC-SHA256 (`X-Hub-Signature-256: sha256=<hex>`).
 * Any configured secret may have signed it (the App's, or a legacy repository hook's).
 * No secret configured means nothing verifies: unsigned input is never accepted.
 */
export function verifyGithubSignature(rawBody: Buffer, header: string | undefined, secrets: string[]): boolean {
  if (!header || secrets.length === 0) return false;
  const match = /^sha256=([0-9a-f]{64})$/i.exec(header.trim());
  if (!match) return false;
  const given = Buffer.from(match[1].toLowerCase(), 'hex');
  let ok = false;
  for (const secret of secrets) {
    const expected = createHmac('sha256', secret).update(rawBody).digest();
    // Constant time per comparison; every secret is tried so timing does not say which matched.
    ok = timingSafeEqual(expected, given) || ok;
  }
  return ok;
}

export function signGithubPayload(rawBody: Buffer | string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}
