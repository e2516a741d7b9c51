import { createPrivateKey, KeyObject, sign } from 'node:crypto';

/** Backdated, so a server whose clock runs a little behind ours still sees `iat` in the past. */
const IAT_BACKDATE_SECONDS = 60;
/** GitHub refuses App JWTs that expire more than 10 minutes ahead; 9 leaves room for clock skew. */
const LIFETIME_SECONDS = 9 * 60;

/**
 * Reads the App's PEM key (PKCS#1 as GitHub issues it, or PKCS#8). `\n` escapes are accepted
 * because a PEM put into one environment variable line often arrives that way. The error says
 * what is wrong without quoting the key.
 */
export function readAppPrivateKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem.includes('\\n') ? pem.replace(/\\n/g, '\n') : pem);
  } catch {
    throw new TypeError('the GitHub App private key is not a readable PEM private key');
  }
  if (key.asymmetricKeyType !== 'rsa') throw new TypeError('the GitHub App private key must be an RSA key (RS256)');
  return key;
}

/**
 * The JWT a GitHub App authenticates as itself with (GitHub's "Generating a JSON Web Token for a
 * GitHub App"): RS256, `iat` = now - 60 s, `exp` = now + 9 min, `iss` = the App id. A numeric App
 * id is sent as a JSON number (GitHub once required an integer); a client id (`Iv1.…`) as a string.
 * Signed with node:crypto: @octokit's signers are ESM-only and the format is three lines of work.
 */
export function createAppJwt(appId: string, privateKeyPem: string | KeyObject, now: Date = new Date()): string {
  if (!appId) throw new TypeError('a GitHub App id is required');
  const key = typeof privateKeyPem === 'string' ? readAppPrivateKey(privateKeyPem) : privateKeyPem;
  const seconds = Math.floor(now.getTime() / 1000);
  const iss = /^[1-9]\d{0,15}$/.test(appId) ? Number(appId) : appId;
  const header = base64url({ alg: 'RS256', typ: 'JWT' });
  const payload = base64url({ iat: seconds - IAT_BACKDATE_SECONDS, exp: seconds + LIFETIME_SECONDS, iss });
  const signature = sign('sha256', Buffer.from(`${header}.${payload}`), key).toString('base64url');
  return `${header}.${payload}.${signature}`;
}

function base64url(value: object): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}
