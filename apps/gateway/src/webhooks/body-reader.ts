import type { IncomingMessage } from 'node:http';
import { ByteBudget } from './byte-budget';

export type BodyOutcome =
  | { kind: 'body'; body: Buffer }
  /** Over the cap (declared or counted): refuse without reading further. */
  | { kind: 'too-large' }
  /** The shared budget of bytes in flight is spent: come back later. */
  | { kind: 'over-budget' }
  /** The body did not arrive in time (a slow sender holds budget and a socket). */
  | { kind: 'timeout' }
  /** The client went away or the stream broke. */
  | { kind: 'failed' };

export interface BodyLimits {
  maxBytes: number;
  timeoutMs: number;
}

export interface BodyRead {
  outcome: Promise<BodyOutcome>;
  /** Gives the request's bytes back to the budget; call once its answer is sent (idempotent). */
  release(): void;
}

/**
 * Reads a webhook body within its limits, charging it to the shared budget as it arrives (a
 * declared length at once, a chunked body chunk by chunk). The moment a limit is passed it stops
 * reading: the caller answers and closes the connection, so the rest is never read.
 */
export function readBody(req: IncomingMessage, limits: BodyLimits, budget: ByteBudget): BodyRead {
  let held = 0;
  let released = false;
  const take = (bytes: number) => {
    if (released || !budget.take(bytes)) return false;
    held += bytes;
    return true;
  };
  const release = () => {
    if (released) return;
    released = true;
    budget.give(held);
    held = 0;
  };
  const outcome = new Promise<BodyOutcome>((resolve) => {
    const declared = declaredLength(req);
    if (declared !== null && declared > limits.maxBytes) return resolve({ kind: 'too-large' });
    if (declared !== null && !take(declared)) return resolve({ kind: 'over-budget' });
    let chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (result: BodyOutcome) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.removeListener('data', onData);
      if (result.kind !== 'body') req.pause();
      chunks = [];
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limits.maxBytes) return finish({ kind: 'too-large' });
      if (declared === null && !take(chunk.length)) return finish({ kind: 'over-budget' });
      chunks.push(chunk);
    };
    const timer = setTimeout(() => finish({ kind: 'timeout' }), limits.timeoutMs);
    req.on('data', onData);
    req.once('end', () => finish({ kind: 'body', body: Buffer.concat(chunks, size) }));
    req.once('error', () => finish({ kind: 'failed' }));
    req.once('close', () => finish({ kind: 'failed' }));
  });
  return { outcome, release };
}

/** Content-Length as a number, or null for a chunked body (or a header that is not a length). */
function declaredLength(req: IncomingMessage): number | null {
  const header = req.headers['content-length'];
  if (header === undefined || !/^\d{1,15}$/.test(header)) return null;
  return Number(header);
}
