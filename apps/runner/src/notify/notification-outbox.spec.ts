import { ending } from './notification-outbox';

describe('how a run’s end reads on GitHub', () => {
  it('maps each final status to a Deployment state and a commit state', () => {
    expect(ending('succeeded', null, { failedStep: null })).toEqual({
      deploymentState: 'success',
      commitState: 'success',
      description: 'deployed',
    });
    expect(ending('failed', 'NCP build failed', { failedStep: 'build' })).toEqual({
      deploymentState: 'failure',
      commitState: 'failure',
      description: 'failed at build: NCP build failed',
    });
    expect(ending('superseded', 'superseded by run x', { failedStep: null })).toMatchObject({
      deploymentState: 'inactive',
      commitState: 'error',
    });
    expect(ending('cancelled', null, { failedStep: null })).toMatchObject({ deploymentState: 'inactive' });
  });
});
