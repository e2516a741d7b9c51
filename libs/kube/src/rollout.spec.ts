import { describeRollout, rolloutState } from './rollout';

const deployment = (generation: number, status: Record<string, number>, replicas = 2) => ({
  metadata: { name: 'web', generation },
  spec: { replicas },
  status,
});

describe('rolloutState', () => {
  it('is done only when the new generation is observed and every replica is updated and ready', () => {
    const all = { observedGeneration: 3, replicas: 2, updatedReplicas: 2, readyReplicas: 2 };
    expect(rolloutState(deployment(3, all)).done).toBe(true);
    expect(rolloutState(deployment(4, all)).done).toBe(false); // the controller has not seen the change
    expect(rolloutState(deployment(3, { ...all, readyReplicas: 1 })).done).toBe(false);
    expect(rolloutState(deployment(3, { ...all, updatedReplicas: 1 })).done).toBe(false);
    expect(rolloutState(deployment(3, { ...all, replicas: 3 })).done).toBe(false); // an old pod is left
  });

  it('says what is missing', () => {
    const state = rolloutState(deployment(1, { observedGeneration: 1, replicas: 2, updatedReplicas: 2 }));
    expect(describeRollout([state])).toBe('web 0/2 ready, 2/2 updated');
    expect(describeRollout([])).toBe('no Deployment in the namespace');
  });
});
