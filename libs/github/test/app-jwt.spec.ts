import { createPrivateKey, createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import * as jsonwebtoken from 'jsonwebtoken';
import { createAppJwt } from '@klepaas/github';

// One key for the file: RSA generation is the slow part.
const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
const publicKey = createPublicKey(createPrivateKey(privateKey));
const NOW = new Date('2025-03-01T12:00:00.000Z');
const NOW_S = NOW.getTime() / 1000;

function decode(jwt: string) {
  const [header, payload, signature] = jwt.split('.');
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString('utf8')),
    payload: JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')),
    signed: Buffer.from(`${header}.${payload}`),
    signature: Buffer.from(signature, 'base64url'),
  };
}

describe('GitHub App JWT', () => {
  it('is three base64url parts with an RS256 JWT header', () => {
    const jwt = createAppJwt('424242', privateKey, NOW);
    expect(jwt.split('.')).toHaveLength(3);
    expect(jwt).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(decode(jwt).header).toEqual({ alg: 'RS256', typ: 'JWT' });
  });

  it('is issued by the App, backdated 60 s and expiring 9 minutes from now', () => {
    const { payload } = decode(createAppJwt('424242', privateKey, NOW));
    expect(payload).toEqual({ iss: 424242, iat: NOW_S - 60, exp: NOW_S + 540 });
  });

  it('sends a client id as a string issuer', () => {
    expect(decode(createAppJwt('Iv1.0123456789abcdef', privateKey, NOW)).payload.iss).toBe('Iv1.0123456789abcdef');
  });

  it("carries an RSA-SHA256 signature that the key's public half verifies", () => {
    const { signed, signature } = decode(createAppJwt('424242', privateKey, NOW));
    expect(verify('RSA-SHA256', signed, publicKey, signature)).toBe(true);
    expect(verify('RSA-SHA256', Buffer.concat([signed, Buffer.from('x')]), publicKey, signature)).toBe(false);
  });

  it('is accepted by an independent JWT implementation with the public key', () => {
    const jwt = createAppJwt('424242', privateKey, NOW);
    const claims = jsonwebtoken.verify(jwt, publicKey.export({ type: 'spki', format: 'pem' }) as string, {
      algorithms: ['RS256'],
      clockTimestamp: NOW_S,
    });
    expect(claims).toMatchObject({ iss: 424242 });
  });

  it('fails verification with another key', () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    const { signed, signature } = decode(createAppJwt('424242', privateKey, NOW));
    expect(verify('RSA-SHA256', signed, other, signature)).toBe(false);
  });

  it('reads a PEM whose newlines arrive as \\n escapes, as one-line environment variables carry them', () => {
    const escaped = privateKey.replace(/\n/g, '\\n');
    const { signed, signature } = decode(createAppJwt('424242', escaped, NOW));
    expect(verify('RSA-SHA256', signed, publicKey, signature)).toBe(true);
  });

  it('refuses an unreadable key without quoting it', () => {
    const broken = privateKey.slice(0, 200);
    expect(() => createAppJwt('424242', broken, NOW)).toThrow('not a readable PEM private key');
    try {
      createAppJwt('424242', broken, NOW);
    } catch (error) {
      expect(String(error)).not.toContain(broken.slice(40, 120));
    }
  });

  it('refuses a key that cannot sign RS256', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' });
    expect(() => createAppJwt('424242', ec as string, NOW)).toThrow('must be an RSA key');
  });
});
