import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** How long an operator has between opening GitHub's page and coming back (GitHub's code lives one hour). */
const STATE_TTL_MS = 60 * 60 * 1000;
const PURPOSE = 'klepaas:github-app-manifest';

/**
 * The manifest flow's `state`: signed with the gateway's JWT secret, so any gateway replica can
 * check it and nobody can start a callback the operator did not begin. It names the operator
 * and expires; the code it travels with is single use at GitHub anyway.
 */
export class SetupState {
  constructor(
    private readonly secret: string,
    private readonly now: () => number = Date.now,
  ) {}

  issue(operator: string): string {
    const payload = Buffer.from(
      JSON.stringify({ op: operator, exp: this.now() + STATE_TTL_MS, n: randomBytes(12).toString('base64url') }),
    ).toString('base64url');
    return `${payload}.${this.sign(payload)}`;
  }

  /** The operator who began the flow, or a reason the state is refused. */
  check(state: string | undefined): { operator: string } | { problem: string } {
    if (!state || state.length > 1024) return { problem: 'the state parameter is missing' };
    const [payload, signature, extra] = state.split('.');
    if (!payload || !signature || extra !== undefined) return { problem: 'the state parameter is malformed' };
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given))
      return { problem: 'the state parameter was not issued by this installation' };
    let claims: { op?: unknown; exp?: unknown };
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof claims;
    } catch {
      return { problem: 'the state parameter is malformed' };
    }
    if (typeof claims.exp !== 'number' || claims.exp < this.now())
      return { problem: 'the setup expired: start again from the setup page' };
    return { operator: typeof claims.op === 'string' ? claims.op : '' };
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.secret).update(`${PURPOSE}:${payload}`).digest('base64url');
  }
}
