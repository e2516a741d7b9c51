/** Which call failed: enough to find it in logs, never a credential. */
export interface NcpCall {
  /** Service label, e.g. `SourceBuild`, `NCR registry`. */
  service: string;
  method: string;
  /** Full URL with any userinfo removed. */
  url: string;
}

export interface NcpApiErrorInit {
  status: number;
  errorCode?: string | number;
  /** NCP's own message, or a description of what went wrong. */
  ncpMessage: string;
  details?: string;
  call: NcpCall;
  attempts?: number;
  cause?: unknown;
}

/**
 * Every failure of an NCP call: HTTP status, NCP `errorCode` (a string in the docs, a number in
 * real SourceDeploy answers: docs/ncp.md, api §0), message, details and the call. It holds no
 * header, body or key, so `toString` and `JSON.stringify` are safe to log.
 */
export class NcpApiError extends Error {
  override readonly name: string = 'NcpApiError';
  readonly status: number;
  readonly errorCode?: string | number;
  readonly ncpMessage: string;
  readonly details?: string;
  readonly call: NcpCall;
  readonly attempts: number;

  constructor(init: NcpApiErrorInit) {
    super(describe(init), init.cause === undefined ? undefined : { cause: init.cause });
    this.status = init.status;
    this.errorCode = init.errorCode;
    this.ncpMessage = init.ncpMessage;
    this.details = init.details || undefined;
    this.call = { ...init.call, url: withoutCredentials(init.call.url) };
    this.attempts = init.attempts ?? 1;
  }

  get isNotFound(): boolean {
    return this.status === 404;
  }

  /** 4xx: the request itself was refused (bad input, auth, conflict, not found, throttling). */
  get isClientError(): boolean {
    return this.status >= 400 && this.status < 500;
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      status: this.status,
      errorCode: this.errorCode,
      details: this.details,
      call: this.call,
      attempts: this.attempts,
    };
  }
}

/** The call never got an HTTP answer (refused, reset, DNS, timeout). `status` is 0. */
export class NcpNetworkError extends NcpApiError {
  override readonly name: string = 'NcpNetworkError';
  /** The transport's code, e.g. `ECONNREFUSED`, `UND_ERR_HEADERS_TIMEOUT`. */
  readonly code?: string;

  constructor(init: Omit<NcpApiErrorInit, 'status'> & { code?: string }) {
    super({ ...init, status: 0 });
    this.code = init.code;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), code: this.code };
  }
}

/** A 2xx answer whose body lacks what the contract promises (e.g. no `buildId`). */
export class NcpUnexpectedResponseError extends NcpApiError {
  override readonly name: string = 'NcpUnexpectedResponseError';
}

export function isNcpApiError(error: unknown): error is NcpApiError {
  return error instanceof NcpApiError;
}

/** Removes `user:password@` from a URL so a credential put in an endpoint never reaches an error. */
export function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.username && !parsed.password) return url;
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/[^/@]*@/, '//');
  }
}

function describe(init: NcpApiErrorInit): string {
  const where = `${init.call.service} ${init.call.method} ${withoutCredentials(init.call.url)}`;
  const status = init.status === 0 ? 'no HTTP response' : `HTTP ${init.status}`;
  const code = init.errorCode === undefined || init.errorCode === '' ? '' : ` errorCode ${init.errorCode}`;
  const details = init.details ? ` (${init.details})` : '';
  const attempts = init.attempts && init.attempts > 1 ? ` after ${init.attempts} attempts` : '';
  return `${where} failed${attempts}: ${status}${code}: ${init.ncpMessage}${details}`;
}
