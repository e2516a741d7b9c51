import { NcpApiError } from '@klepaas/ncp';

/**
 * Whether a failed "start build" or "start deploy" certainly started nothing: NCP refused the
 * request itself (a 4xx other than a timeout or throttling). Anything else — a timeout after the
 * request was sent, a reset connection, a 5xx — may have started the job, so the run keeps its
 * request mark and lets adoption (NCP's history) decide.
 */
export function startCertainlyRefused(error: unknown): boolean {
  return error instanceof NcpApiError && error.isClientError && error.status !== 408 && error.status !== 429;
}
