/**
 * When to ask NCP again about a build or deploy that has run `elapsedMs` and usually takes
 * `expectedMs` (from this project's own recent runs): one early look (a build that fails at
 * once), sparse looks before the expected end, a look every `near` around it, then looks spaced
 * by half the overrun, up to 15 s. Fewer status calls than a fixed poll, and an end near
 * the expected one is noticed within about a second.
 */
export function nextPollDelay(elapsedMs: number, expectedMs: number, pollsSoFar = 1): number {
  const near = clamp(expectedMs * 0.05, 250, 1000);
  if (pollsSoFar === 0) return Math.min(EARLY_LOOK_MS, nextPollDelay(elapsedMs, expectedMs));
  const approach = expectedMs - near;
  // Sparse before: a build that ends early is still noticed within a third of its usual time.
  if (elapsedMs < approach) return Math.min(approach - elapsedMs, clamp(expectedMs / 3, 10_000, 90_000));
  const closeWindow = clamp(expectedMs * 0.02, 2_000, 5_000);
  if (elapsedMs < expectedMs + closeWindow) return near;
  return clamp((elapsedMs - expectedMs) / 2, near, 15_000);
}

const EARLY_LOOK_MS = 1000;

/** The expected duration: the median of recent ones, or a default for a project's first run. */
export function expectedDuration(recent: number[], fallbackMs: number): number {
  if (!recent.length) return fallbackMs;
  const sorted = [...recent].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function clamp(value: number, min: number, max: number): number {
  return Math.max(min, Math.min(max, value));
}
