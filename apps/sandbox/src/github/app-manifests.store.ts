import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';

/** A manifest GitHub accepted, waiting for its code to be converted. */
export interface PendingManifest {
  name: string;
  owner: string;
  ownerType: 'User' | 'Organization';
  webhookUrl: string;
  expiresAt: number;
}

/** GitHub's manifest codes: single use, valid for one hour. */
const CODE_TTL_MS = 60 * 60 * 1000;
/** A bound on codes nobody converts (the page can be posted to without limit). */
const MAX_PENDING = 1000;

@Injectable()
export class AppManifests {
  private readonly pending = new Map<string, PendingManifest>();

  issue(manifest: Omit<PendingManifest, 'expiresAt'>): string {
    this.prune();
    if (this.pending.size >= MAX_PENDING) this.pending.delete(this.pending.keys().next().value as string);
    const code = randomBytes(20).toString('hex');
    this.pending.set(code, { ...manifest, expiresAt: Date.now() + CODE_TTL_MS });
    return code;
  }

  /** The manifest of a code, once: a second conversion of the same code finds nothing. */
  take(code: string): PendingManifest | undefined {
    const found = this.pending.get(code);
    this.pending.delete(code);
    return found && found.expiresAt > Date.now() ? found : undefined;
  }

  private prune(): void {
    const now = Date.now();
    for (const [code, manifest] of this.pending) if (manifest.expiresAt <= now) this.pending.delete(code);
  }
}
