import { isNcpApiError, NcpUnexpectedResponseError, type NcpCall } from './errors';

export interface ReadBackOptions {
  /** Lookups after a create, the first included. */
  attempts: number;
  /** Wait before the second lookup; doubles each time. */
  delayMs: number;
}

export const DEFAULT_READ_BACK: Readonly<ReadBackOptions> = { attempts: 6, delayMs: 100 };

/** How a caller that must not take over someone else's resource ensures one. */
export interface EnsureOptions {
  /**
   * false: a resource found under the name before anything was created is not taken for the
   * caller's, but refused with NcpResourceNotOursError. Default true (plain "ensure").
   */
  adoptExisting?: boolean;
  /** Runs once the name is found free, right before the create call: to record the intent first. */
  beforeCreate?: () => Promise<void>;
}

/** A resource exists under the name, and the caller did not create it: it is not adopted. */
export class NcpResourceNotOursError extends Error {
  override readonly name = 'NcpResourceNotOursError';

  constructor(readonly what: string) {
    super(`${what} already exists in NCP, but was not created by this project: it is not adopted`);
  }
}

export interface EnsureSteps<T> {
  /** e.g. `SourceCommit repository "app"`, for the error when nothing is found. */
  what: string;
  /** The create call, named in the error when the created thing never shows up. */
  createCall: NcpCall;
  find: () => Promise<T | undefined>;
  /** Resolves to the new id, or undefined when the API returns none (SourceCommit: `true`). */
  create: () => Promise<T | undefined>;
  sleep: (ms: number) => Promise<void>;
  readBack?: ReadBackOptions;
  options?: EnsureOptions;
}

/**
 * "Ensure" semantics (architecture.md, reliability rules): look up by name, create when missing,
 * and count "already exists" as success. NCP publishes no duplicate-name error code (docs/ncp.md
 * section 10), so any 4xx on create is followed by a lookup: found means someone else created it.
 * Lookups after a create are retried briefly, as the Terraform provider does, because a new
 * resource may not be listed at once (docs/ncp.md, api §3). With `adoptExisting: false`, only
 * what appears after the caller's own create attempt counts as found.
 */
export async function ensureByName<T>(steps: EnsureSteps<T>): Promise<T> {
  const existing = await steps.find();
  if (existing !== undefined) {
    if (steps.options?.adoptExisting === false) throw new NcpResourceNotOursError(steps.what);
    return existing;
  }
  await steps.options?.beforeCreate?.();
  let created: T | undefined;
  try {
    created = await steps.create();
  } catch (error) {
    if (!isNcpApiError(error) || !error.isClientError) throw error;
    const found = await readBack(steps);
    if (found !== undefined) return found;
    throw error;
  }
  if (created !== undefined) return created;
  const found = await readBack(steps);
  if (found !== undefined) return found;
  throw new NcpUnexpectedResponseError({
    status: 200,
    ncpMessage: `${steps.what} was created but is not found by name after ${(steps.readBack ?? DEFAULT_READ_BACK).attempts} lookups`,
    call: steps.createCall,
  });
}

async function readBack<T>(steps: EnsureSteps<T>): Promise<T | undefined> {
  const { attempts, delayMs } = steps.readBack ?? DEFAULT_READ_BACK;
  for (let i = 0; i < attempts; i++) {
    if (i > 0) await steps.sleep(delayMs * 2 ** (i - 1));
    const found = await steps.find();
    if (found !== undefined) return found;
  }
  return undefined;
}
