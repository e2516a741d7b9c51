/**
 * Waits for asynchronous behaviour by asking again until the answer is right, never by
 * sleeping a fixed time. Returns the last value that passed; throws with the last value
 * (or error) seen when the deadline passes, so a failing test says what it saw.
 */
export interface PollOptions {
  timeoutMs?: number;
  intervalMs?: number;
  description?: string;
}

export async function pollUntil<T>(
  probe: () => T | Promise<T>,
  accept: (value: T) => boolean = (v) => Boolean(v),
  options: PollOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const intervalMs = options.intervalMs ?? 50;
  const deadline = Date.now() + timeoutMs;
  let last: { value?: T; error?: unknown };
  for (;;) {
    try {
      const value = await probe();
      last = { value };
      if (accept(value)) return value;
    } catch (error) {
      last = { error };
    }
    if (Date.now() > deadline) {
      const seen = last.error !== undefined ? `error ${String(last.error)}` : `value ${safeJson(last.value)}`;
      throw new Error(
        `pollUntil timed out after ${timeoutMs} ms${options.description ? ` waiting for ${options.description}` : ''}; last ${seen}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value)?.slice(0, 500) ?? String(value);
  } catch {
    return String(value);
  }
}
