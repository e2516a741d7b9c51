import type { ErrorInfo } from '@klepaas/contracts';
import { KubeApiError } from '@klepaas/kube';
import { NcpApiError, NcpResourceNotOursError } from '@klepaas/ncp';
import { NamespaceNotOursError } from './project-namespace';

/** What a failure says to users and operators: NCP's status and errorCode when NCP said no. */
export function errorInfo(error: unknown): ErrorInfo {
  if (error instanceof NamespaceNotOursError) return { message: error.message, code: error.code };
  if (error instanceof KubeApiError) return { message: error.message, status: error.status, code: 'kubernetes' };
  if (error instanceof NcpResourceNotOursError) return { message: error.message, code: 'ncp_not_ours' };
  if (error instanceof NcpApiError) {
    return { message: error.message, status: error.status, ncpErrorCode: error.errorCode ?? null, code: 'ncp' };
  }
  return { message: error instanceof Error ? error.message : String(error), code: 'internal' };
}
