import { InstallationTokenCache, type InstallationGrant } from '../src/token-cache';

const MINUTE = 60_000;

/** An exchange that counts calls and lets the spec decide when each one answers. */
function controlledExchange() {
  const calls: number[] = [];
  const pending: { resolve: (g: InstallationGrant) => void; reject: (e: unknown) => void }[] = [];
  const exchange = (installationId: number) => {
    calls.push(installationId);
    return new Promise<InstallationGrant>((resolve, reject) => pending.push({ resolve, reject }));
  };
  return { calls, pending, exchange };
}

describe('installation token cache', () => {
  let now: number;
  const clock = () => now;

  beforeEach(() => {
    now = 1_700_000_000_000;
  });

  it('shares one exchange among callers that arrive while it runs', async () => {
    const { calls, pending, exchange } = controlledExchange();
    const cache = new InstallationTokenCache(exchange, { now: clock });
    const waiting = Promise.all([cache.get(7), cache.get(7), cache.get(7)]);
    expect(calls).toEqual([7]);
    pending[0].resolve({ token: 'ghs_one', expiresAt: now + 60 * MINUTE });
    await expect(waiting).resolves.toEqual(['ghs_one', 'ghs_one', 'ghs_one']);
  });

  it('keeps a token per installation', async () => {
    let n = 0;
    const cache = new InstallationTokenCache(async (id) => ({ token: `t${id}-${++n}`, expiresAt: now + 60 * MINUTE }), {
      now: clock,
    });
    expect(await Promise.all([cache.get(1), cache.get(2), cache.get(1), cache.get(2)])).toEqual([
      't1-1',
      't2-2',
      't1-1',
      't2-2',
    ]);
  });

  it('reuses the token until five minutes before it expires, then fetches a new one', async () => {
    let n = 0;
    const expiresAt = now + 60 * MINUTE;
    const cache = new InstallationTokenCache(
      async () => ({ token: `t${++n}`, expiresAt: n === 1 ? expiresAt : now + 60 * MINUTE }),
      {
        now: clock,
      },
    );
    expect(await cache.get(1)).toBe('t1');
    now = expiresAt - 5 * MINUTE - 1;
    expect(await cache.get(1)).toBe('t1');
    now = expiresAt - 5 * MINUTE;
    expect(await cache.get(1)).toBe('t2');
    expect(await cache.get(1)).toBe('t2');
  });

  it('does not remember a failed exchange: the next caller tries again', async () => {
    const { calls, pending, exchange } = controlledExchange();
    const cache = new InstallationTokenCache(exchange, { now: clock });
    const first = Promise.all([cache.get(3), cache.get(3)]);
    pending[0].reject(new Error('GitHub said no'));
    await expect(first).rejects.toThrow('GitHub said no');
    const second = cache.get(3);
    pending[1].resolve({ token: 'ghs_two', expiresAt: now + 60 * MINUTE });
    await expect(second).resolves.toBe('ghs_two');
    expect(calls).toEqual([3, 3]);
  });

  it('forgets a refused token, but not a newer one fetched meanwhile', async () => {
    let n = 0;
    const cache = new InstallationTokenCache(async () => ({ token: `t${++n}`, expiresAt: now + 60 * MINUTE }), {
      now: clock,
    });
    expect(await cache.get(1)).toBe('t1');
    cache.forget(1, 'stale-token');
    expect(await cache.get(1)).toBe('t1');
    cache.forget(1, 't1');
    expect(await cache.get(1)).toBe('t2');
  });
});
