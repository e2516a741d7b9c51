import { createPublicKey, createSign, generateKeyPairSync } from 'node:crypto';
import { appJwtProblem } from './app-jwt';

const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
const publicKey = createPublicKey(privateKey);
const NOW = 1_700_000_000;

function jwt(payload: Record<string, unknown>, header: Record<string, unknown> = { alg: 'RS256', typ: 'JWT' }): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const data = `${encode(header)}.${encode(payload)}`;
  return `${data}.${createSign('RSA-SHA256').update(data).sign(privateKey).toString('base64url')}`;
}

describe('GitHub App JWT checks', () => {
  it('accepts an RS256 token from the App expiring within ten minutes (iss as number or string)', () => {
    expect(appJwtProblem(jwt({ iss: 42, iat: NOW - 30, exp: NOW + 570 }), publicKey, '42', NOW)).toBeUndefined();
    expect(appJwtProblem(jwt({ iss: '42', exp: NOW + 600 }), publicKey, '42', NOW)).toBeUndefined();
  });

  it('refuses another issuer, an expired token, one expiring too far ahead, and one issued in the future', () => {
    expect(appJwtProblem(jwt({ iss: 43, exp: NOW + 60 }), publicKey, '42', NOW)).toMatch(/iss/);
    expect(appJwtProblem(jwt({ iss: 42, exp: NOW }), publicKey, '42', NOW)).toMatch(/exp/);
    expect(appJwtProblem(jwt({ iss: 42, exp: NOW + 601 }), publicKey, '42', NOW)).toMatch(/too far in the future/);
    expect(appJwtProblem(jwt({ iss: 42, exp: NOW + 60, iat: NOW + 120 }), publicKey, '42', NOW)).toMatch(/iat/);
  });

  it('refuses other algorithms, tampered payloads and garbage', () => {
    expect(appJwtProblem(jwt({ iss: 42, exp: NOW + 60 }, { alg: 'HS256' }), publicKey, '42', NOW)).toBeDefined();
    const [h, , s] = jwt({ iss: 42, exp: NOW + 60 }).split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ iss: 42, exp: NOW + 300 })).toString('base64url')}.${s}`;
    expect(appJwtProblem(forged, publicKey, '42', NOW)).toBeDefined();
    expect(appJwtProblem('garbage', publicKey, '42', NOW)).toBeDefined();
  });
});
