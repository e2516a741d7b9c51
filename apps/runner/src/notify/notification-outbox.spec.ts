import { ending } from './notification-outbox';

const SHA = 'a'.repeat(40);
const NEWER = 'b1c2d3e4f5'.padEnd(40, '0');

describe('how a run’s end reads on GitHub', () => {
  it('maps each final status to a Deployment state and a commit state', () => {
    expect(ending('succeeded', null, { failedStep: null, commitSha: SHA })).toEqual({
      deploymentState: 'success',
      commitState: 'success',
      description: 'deployed',
    });
    expect(ending('failed', 'NCP build failed', { failedStep: 'build', commitSha: SHA })).toEqual({
      deploymentState: 'failure',
      commitState: 'failure',
      description: 'failed at build: NCP build failed',
    });
    expect(ending('cancelled', null, { failedStep: null, commitSha: SHA })).toEqual({
      deploymentState: 'inactive',
      commitState: 'error',
      description: 'cancelled, not deployed',
    });
  });

  it('names the newer commit that superseded a run, and says it was not deployed', () => {
    expect(ending('superseded', 'superseded by run x', { failedStep: null, commitSha: SHA }, NEWER)).toEqual({
      deploymentState: 'inactive',
      commitState: 'error',
      description: 'superseded by a newer commit b1c2d3e, not deployed',
    });
  });

  it('falls back to the reason when the superseding run has no other commit', () => {
    expect(ending('superseded', 'superseded by run x', { failedStep: null, commitSha: SHA }, SHA).description).toBe(
      'superseded, not deployed: superseded by run x',
    );
    expect(
      ending('superseded', 'the project should run something else now', { failedStep: null, commitSha: SHA }, null)
        .description,
    ).toBe('superseded, not deployed: the project should run something else now');
  });
});
