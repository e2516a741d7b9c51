import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The id of the work a log line belongs to (a webhook delivery or a run), carried through
 * async calls so every line of that work has it without passing it by hand.
 */
const storage = new AsyncLocalStorage<{ correlationId: string }>();

export function withCorrelation<T>(correlationId: string, fn: () => T): T {
  return storage.run({ correlationId }, fn);
}

export function currentCorrelationId(): string | undefined {
  return storage.getStore()?.correlationId;
}
