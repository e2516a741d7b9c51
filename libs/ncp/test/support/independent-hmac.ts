import { execFileSync } from 'node:child_process';

/**
 * HMAC-SHA256 + base64 computed by openssl, outside our code, so a signature spec does not check
 * node:crypto against itself.
 */
export function opensslSignature(secretKey: string, message: string): string {
  return execFileSync('sh', ['-c', 'openssl dgst -sha256 -hmac "$KEY" -binary | base64'], {
    input: message,
    env: { ...process.env, KEY: secretKey },
  })
    .toString('utf8')
    .trim();
}
