/** One line of the preflight: a system, whether it answered as it must, and what to do if not. */
export interface CheckResult {
  name: string;
  status: 'ok' | 'fail' | 'skip';
  /** What was found (ok, skip) or what went wrong (fail). Never a secret. */
  detail: string;
  /** The operator's next step when it failed. */
  fix?: string;
}

export const ok = (name: string, detail: string): CheckResult => ({ name, status: 'ok', detail });
export const skip = (name: string, detail: string): CheckResult => ({ name, status: 'skip', detail });
export const fail = (name: string, detail: string, fix: string): CheckResult => ({ name, status: 'fail', detail, fix });

/** `host:port/path` of a URL, without its user and password. */
export function where(url: string): string {
  try {
    const u = new URL(url);
    return `${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return '(not a URL)';
  }
}

/** An error's own message, first line, bounded (no stack, no request detail). */
export function reason(error: unknown): string {
  const text = error instanceof Error ? error.message || error.name : String(error);
  const first = text.split('\n')[0];
  return first.length > 300 ? `${first.slice(0, 300)}…` : first;
}

/** The line the preflight prints for a result (and a second one with the fix). */
export function formatResult(result: CheckResult): string {
  const mark = { ok: '[ ok ]', fail: '[FAIL]', skip: '[skip]' }[result.status];
  const line = `${mark} ${result.name.padEnd(14)} ${result.detail}`;
  return result.fix ? `${line}\n       fix: ${result.fix}` : line;
}
