/**
 * An error as NCP's API gateway and DevTools services answer it:
 * `{"error":{"errorCode","message","details"}}` with the HTTP status from the common table
 * (docs/ncp.md, api §0.1). The global exception filter writes it.
 */
export class NcpError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
    readonly details: string,
    /** Extra response headers (Retry-After, the sandbox's own diagnostics). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  body(): { error: { errorCode: string; message: string; details: string } } {
    return { error: { errorCode: this.errorCode, message: this.message, details: this.details } };
  }
}

/** The gateway's code and message for each HTTP status it uses (docs/ncp.md, api §0.1). */
const GATEWAY_CODES: Record<number, [string, string]> = {
  400: ['100', 'Bad Request Exception'],
  401: ['200', 'Authentication Failed'],
  403: ['230', 'Forbidden'],
  404: ['300', 'Not Found Exception'],
  413: ['430', 'Request Entity Too Large'],
  429: ['410', 'Throttle Limited'],
  500: ['900', 'Unexpected Error'],
  503: ['500', 'Endpoint Error'],
  504: ['510', 'Endpoint Timeout'],
};

/** Builds an NcpError for a status with the gateway's code and message for it. */
export function ncpError(status: number, details: string, headers: Record<string, string> = {}): NcpError {
  const [code, message] = GATEWAY_CODES[status] ?? ['900', 'Unexpected Error'];
  return new NcpError(status, code, message, details, headers);
}

export const badRequest = (details: string): NcpError => ncpError(400, details);
export const notFound = (details: string): NcpError => ncpError(404, details);
