import { execFileSync } from 'node:child_process';
import { verifyGithubSignature } from './signature';

/** An independent HMAC: openssl, not our code. */
function opensslSignature(body: string, secret: string): string {
  const out = execFileSync('openssl', ['dgst', '-sha256', '-hmac', secret], { input: body }).toString();
  return `sha256=${out.trim().split(' ').pop()}`;
}

describe('verifyGithubSignature', () => {
  const body = '{"zen":"Keep it logically awesome.","hook_id":1}';

  it('accepts the HMAC-SHA256 of the exact bytes, as openssl computes it', () => {
    expect(verifyGithubSignature(Buffer.from(body), opensslSignature(body, 's3cret'), ['s3cret'])).toBe(true);
  });

  it('accepts a signature by any configured secret', () => {
    expect(verifyGithubSignature(Buffer.from(body), opensslSignature(body, 'legacy'), ['app', 'legacy'])).toBe(true);
  });

  it('refuses a wrong secret, changed bytes, a malformed header, and no secret at all', () => {
    const good = opensslSignature(body, 's3cret');
    expect(verifyGithubSignature(Buffer.from(body), good, ['other'])).toBe(false);
    expect(verifyGithubSignature(Buffer.from(body + ' '), good, ['s3cret'])).toBe(false);
    expect(verifyGithubSignature(Buffer.from(body), good.replace('sha256=', 'sha1='), ['s3cret'])).toBe(false);
    expect(verifyGithubSignature(Buffer.from(body), `${good}00`, ['s3cret'])).toBe(false);
    expect(verifyGithubSignature(Buffer.from(body), good, [])).toBe(false);
    expect(verifyGithubSignature(Buffer.from(body), undefined, ['s3cret'])).toBe(false);
  });
});
