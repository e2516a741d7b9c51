import { execFile } from 'node:child_process';
import { join } from 'node:path';

/**
 * The chaos suite (bench/chaos) in a reduced form: two projects for twenty seconds of pushes,
 * scales, rollbacks, cancels and retries while services are killed and paused, the broker's
 * connections closed, NCP answers dropped and git slowed. The suite itself checks every promise
 * and exits 1 when one was broken; its last lines say which.
 */
describe('chaos, reduced', () => {
  it(
    'keeps every promise: runs end, nothing lost, nothing built or deployed twice, every project converges',
    async () => {
      const script = join(__dirname, '../../bench/chaos/index.js');
      const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
        execFile(
          process.execPath,
          [script, '--projects', '2', '--seconds', '20'],
          { maxBuffer: 16 * 1024 * 1024, timeout: 8 * 60_000 },
          (error, stdout, stderr) =>
            resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, output: stdout + stderr }),
        );
      });
      const figures = output.split('\n').find((line) => line.startsWith('pushes=')) ?? '';
      if (code !== 0) throw new Error(`the chaos suite broke a promise:\n${output.slice(-4000)}`);
      expect(figures).toMatch(
        /lost=0 unfinished=0 double_builds=0 untracked_builds=0 untracked_deploys=0 orphans_cancelled=\d+ wrong_source=0 converged=2\/2/,
      );
    },
    9 * 60_000,
  );
});
