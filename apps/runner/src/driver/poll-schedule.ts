/**
 * When to ask NCP again about a build or deploy that has run `elapsedMs` and usually takes
 * `expectedMs` (from this project's own recent runs): once, shortly before the expected end,
 * then often around it, then less and less often. Fewer status calls than a fixed poll, and the
 * end is noticed within about a second.
 */
export function nextPollDelay(elapsedMs: number, expectedMs: number, pollsAfterExpected = 0, pollsSoFar = 1): number {
  const near = clamp(expectedMs * 0.05, 250, 1000);
  // One early look: a build that fails at once (no Dockerfile) is not left unnoticed for minutes.
  if (pollsSoFar === 0) return Math.min(EARLY_LOOK_MS, nextPollDelay(elapsedMs, expectedMs, pollsAfterExpected));
  const approach = expectedMs - near;
  // Sparse before: a build that ends early is still noticed within a quarter of its usual time.
  if (elapsedMs < approach) return Math.min(approach - elapsedMs, clamp(expectedMs / 4, 10_000, 60_000));
  if (elapsedMs < expectedMs * 1.5 + 5_000) return near;
  return Math.min(15_000, near * 2 ** Math.min(pollsAfterExpected, 6));
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
