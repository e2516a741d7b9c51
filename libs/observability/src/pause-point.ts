import { writeSync } from 'node:fs';

/**
 * A named place a test can stop this process at (SIGSTOP), to aim at the window right after it:
 * `KLEPAAS_PAUSE_AT=before-build-request` stops the first time the point is reached, and the test
 * resumes it with SIGCONT. Honoured only in sandbox mode; a no-op everywhere else.
 */
export function pausePoint(name: string): void {
  const wanted = process.env.KLEPAAS_PAUSE_AT;
  if (!wanted || process.env.KLEPAAS_SANDBOX !== 'true') return;
  const names = wanted.split(',');
  if (!names.includes(name)) return;
  process.env.KLEPAAS_PAUSE_AT = names.filter((n) => n !== name).join(',');
  // Written synchronously: the line must be out before the process stops.
  writeSync(2, `klepaas: pausing at ${name} (pid ${process.pid})\n`);
  process.kill(process.pid, 'SIGSTOP');
}
