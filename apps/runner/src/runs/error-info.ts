import type { ErrorInfo } from '@klepaas/contracts';
import { NcpApiError } from '@klepaas/ncp';

/** A failure as a run records it: our message, with NCP's status and errorCode when NCP said no. */
export function errorInfo(error: unknown, message?: string): ErrorInfo {
  const text = message ?? (error instanceof Error ? error.message : String(error));
  if (error instanceof NcpApiError) {
    return { message: text, status: error.status, ncpErrorCode: error.errorCode ?? null, code: 'ncp' };
  }
  return { message: text, code: 'internal' };
}
