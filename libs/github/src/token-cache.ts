/** An installation access token and when GitHub said it expires (epoch ms). */
export interface InstallationGrant {
  token: string;
  expiresAt: number;
}

export interface TokenCacheOptions {
  /** Refresh this long before expiry, so a token never dies during a clone or a run. */
  refreshBeforeMs?: number;
  now?: () => number;
}

/** Five minutes: longer than any single call or clone we make with one token. */
export const DEFAULT_REFRESH_BEFORE_MS = 5 * 60_000;

/**
 * Installation tokens by installation id. GitHub's tokens live an hour and each exchange costs a
 * request against the App's rate limit, so one token serves every caller until it is close to
 * expiry; callers arriving while an exchange runs wait for that one instead of starting another.
 * A failed exchange is not remembered: the next caller tries again.
 */
export class InstallationTokenCache {
  private readonly grants = new Map<number, InstallationGrant>();
  private readonly inFlight = new Map<number, Promise<InstallationGrant>>();
  private readonly refreshBeforeMs: number;
  private readonly now: () => number;

  constructor(
    private readonly exchange: (installationId: number) => Promise<InstallationGrant>,
    options: TokenCacheOptions = {},
  ) {
    this.refreshBeforeMs = options.refreshBeforeMs ?? DEFAULT_REFRESH_BEFORE_MS;
    this.now = options.now ?? Date.now;
  }

  async get(installationId: number): Promise<string> {
    const cached = this.grants.get(installationId);
    if (cached && cached.expiresAt - this.refreshBeforeMs > this.now()) return cached.token;
    let pending = this.inFlight.get(installationId);
    if (!pending) {
      pending = this.exchange(installationId)
        .then((grant) => {
          this.grants.set(installationId, grant);
          return grant;
        })
        .finally(() => this.inFlight.delete(installationId));
      this.inFlight.set(installationId, pending);
    }
    return (await pending).token;
  }

  /**
   * Drops a token GitHub refused (revoked, installation suspended). Only that token: a newer one
   * fetched meanwhile by another caller stays.
   */
  forget(installationId: number, token: string): void {
    if (this.grants.get(installationId)?.token === token) this.grants.delete(installationId);
  }

  clear(): void {
    this.grants.clear();
  }
}
