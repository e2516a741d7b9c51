import { setTimeout as sleep } from 'node:timers/promises';

/** Thrown into a job's flow when it is cancelled, reset or the sandbox closes. */
export class JobAborted extends Error {
  constructor() {
    super('job aborted');
  }
}

/** Waits `ms`, or rejects with JobAborted as soon as `signal` fires. */
export async function delay(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) throw new JobAborted();
  if (ms <= 0) return;
  try {
    await sleep(ms, undefined, { signal });
  } catch {
    throw new JobAborted();
  }
}

/** Rejects with JobAborted when `signal` fires; otherwise never settles. */
export function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) return reject(new JobAborted());
    signal.addEventListener('abort', () => reject(new JobAborted()), { once: true });
  });
}

/**
 * Keeps the abort controller of every running build, deploy and pipeline, so that cancel,
 * reset and shutdown can stop them: no timer outlives the sandbox.
 */
export class JobControllers<K> {
  private readonly controllers = new Map<K, AbortController>();

  start(key: K): AbortSignal {
    const controller = new AbortController();
    this.controllers.set(key, controller);
    return controller.signal;
  }

  abort(key: K): boolean {
    const controller = this.controllers.get(key);
    if (!controller) return false;
    this.controllers.delete(key);
    controller.abort();
    return true;
  }

  abortAll(): void {
    for (const key of [...this.controllers.keys()]) this.abort(key);
  }
}
