import { createHmac } from 'node:crypto';
import { InvalidTokenError, mintToken, TokenVerifier } from '@klepaas/auth';

const SECRET = 'a-test-secret-of-at-least-32-bytes!!';
const verifier = new TokenVerifier({ secret: SECRET, issuer: 'klepaas', audience: 'klepaas' });
const now = () => Math.floor(Date.now() / 1000);

/** An HS256 JWT built by hand (node:crypto, not the library under test), with exactly these claims. */
function handMade(claims: Record<string, unknown>, header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT' }) {
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const body = `${part(header)}.${part(claims)}`;
  return `${body}.${createHmac('sha256', SECRET).update(body).digest('base64url')}`;
}

const valid = { sub: 'alice', iss: 'klepaas', aud: 'klepaas', exp: now() + 600 };
const refusal = (token: string) => {
  try {
    verifier.verify(token);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidTokenError);
    return (error as Error).message;
  }
  throw new Error('the token was accepted');
};

describe('TokenVerifier', () => {
  it('accepts a token with sub, iss, aud and exp, and reads the GitHub identity claims', () => {
    const principal = verifier.verify(
      handMade({ ...valid, roles: ['admin'], github_user_id: 583231, github_login: 'octocat' }),
    );
    expect(principal).toEqual({
      userId: 'alice',
      roles: ['admin'],
      github: { id: 583231, login: 'octocat' },
      expiresAt: valid.exp * 1000,
    });
  });

  it('accepts a token without a GitHub identity, as a caller without one', () => {
    expect(verifier.verify(handMade(valid)).github).toBeUndefined();
  });

  it('refuses a token that never expires (no exp)', () => {
    const { exp: _, ...forever } = valid;
    expect(refusal(handMade(forever))).toMatch(/no expiry/);
  });

  it('refuses a token without iss or aud, or issued by or for someone else', () => {
    const { iss: _i, ...noIssuer } = valid;
    const { aud: _a, ...noAudience } = valid;
    expect(refusal(handMade(noIssuer))).toMatch(/issuer/);
    expect(refusal(handMade({ ...valid, iss: 'another-login' }))).toMatch(/issuer/);
    expect(refusal(handMade(noAudience))).toMatch(/audience/);
    expect(refusal(handMade({ ...valid, aud: 'another-service' }))).toMatch(/audience/);
  });

  it('refuses an expired token, a token signed with another secret, and an unsigned one', () => {
    expect(refusal(handMade({ ...valid, exp: now() - 5 }))).toBe('token expired');
    const forged = mintToken('another-secret-of-at-least-32-bytes!', { userId: 'alice' });
    expect(refusal(forged)).toMatch(/signature/);
    const unsigned = handMade(valid, { alg: 'none', typ: 'JWT' }).split('.').slice(0, 2).join('.') + '.';
    expect(refusal(unsigned)).toMatch(/invalid token/);
  });

  it('refuses half a GitHub identity or a malformed one rather than ignoring it', () => {
    expect(refusal(handMade({ ...valid, github_login: 'octocat' }))).toMatch(/github_user_id/);
    expect(refusal(handMade({ ...valid, github_user_id: 1, github_login: 'not a login' }))).toMatch(/github_login/);
    expect(refusal(handMade({ ...valid, github_user_id: '1', github_login: 'octocat' }))).toMatch(/github_user_id/);
  });

  it('mints what it accepts: iss and aud klepaas, exp, and the identity claims', () => {
    const token = mintToken(SECRET, { userId: 'bob', github: { id: 7, login: 'bob-gh' } }, { expiresInSeconds: 60 });
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({
      sub: 'bob',
      iss: 'klepaas',
      aud: 'klepaas',
      github_user_id: 7,
      github_login: 'bob-gh',
    });
    expect(claims.exp - claims.iat).toBe(60);
    expect(verifier.verify(token).github).toEqual({ id: 7, login: 'bob-gh' });
  });
});
