import { NcpApiError, type NcpCall, NcpUnexpectedResponseError } from './errors';

const SNIPPET = 200;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  if (!text.trim()) return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** errorCode as sent: a string in the docs, a number in real answers (docs/ncp.md, api §0). */
function readCode(value: unknown): string | number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '') return value;
  return undefined;
}

function readText(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > SNIPPET ? `${flat.slice(0, SNIPPET)}…` : flat;
}

/**
 * Maps a failed answer to NcpApiError. Understands NCP's `{"error":{errorCode,message,details}}`
 * (docs/ncp.md, api §0), the Docker registry's `{"errors":[{code,message}]}`, and anything else
 * (HTML from a proxy, plain text) as a short snippet. `redact` scrubs the secret, should a server
 * ever echo it.
 */
export function errorFromResponse(
  status: number,
  body: string,
  call: NcpCall,
  attempts: number,
  redact: (text: string) => string = (t) => t,
): NcpApiError {
  const parsed = parseJson(body);
  const json = parsed.ok ? parsed.value : undefined;
  let errorCode: string | number | undefined;
  let message: string | undefined;
  let details: string | undefined;
  if (isObject(json) && isObject(json.error)) {
    errorCode = readCode(json.error.errorCode ?? json.error.code);
    message = readText(json.error.message);
    details = readText(json.error.details);
  } else if (isObject(json) && Array.isArray(json.errors) && isObject(json.errors[0])) {
    errorCode = readCode(json.errors[0].code);
    message = readText(json.errors[0].message);
    details = readText(json.errors[0].detail);
  } else if (isObject(json) && (json.message !== undefined || json.errorCode !== undefined)) {
    errorCode = readCode(json.errorCode ?? json.code);
    message = readText(json.message);
  } else if (body.trim()) {
    message = `unreadable error body: ${snippet(body)}`;
  }
  return new NcpApiError({
    status,
    errorCode: typeof errorCode === 'string' ? redact(errorCode) : errorCode,
    ncpMessage: redact(message ?? (status >= 200 && status < 300 ? 'error in a 2xx body' : 'no error body')),
    details: details === undefined ? undefined : redact(details),
    call,
    attempts,
  });
}

/**
 * The payload of a successful answer: `result` when the body is `{"result": …}` (every DevTools
 * API, docs/ncp.md, api §0), else the body itself (NCR management v2 answers unwrapped), and
 * undefined for an empty body. A 2xx body carrying `error` is a failure, as the Go SDK treats it.
 */
export function unwrapResult<T>(
  status: number,
  body: string,
  call: NcpCall,
  attempts: number,
  redact?: (t: string) => string,
): T {
  const parsed = parseJson(body);
  if (!parsed.ok) {
    throw new NcpUnexpectedResponseError({
      status,
      ncpMessage: `answer is not JSON: ${snippet(redact ? redact(body) : body)}`,
      call,
      attempts,
    });
  }
  const json = parsed.value;
  if (isObject(json) && isObject(json.error)) throw errorFromResponse(status, body, call, attempts, redact);
  if (isObject(json) && 'result' in json) return json.result as T;
  return json as T;
}
