import { z } from 'zod';
import { deterministicEventId } from './deterministic-id';

describe('deterministicEventId', () => {
  it('gives the same UUID for the same run, attempt and type, and another for any change', () => {
    const id = deterministicEventId('run-1', 1, 'MirrorCompleted');
    expect(deterministicEventId('run-1', 1, 'MirrorCompleted')).toBe(id);
    expect(deterministicEventId('run-1', 2, 'MirrorCompleted')).not.toBe(id);
    expect(deterministicEventId('run-1', 1, 'MirrorFailed')).not.toBe(id);
    expect(deterministicEventId('run-11', 'MirrorCompleted')).not.toBe(
      deterministicEventId('run-1', '1MirrorCompleted'),
    );
  });

  it('is a valid version 5 UUID, as the envelope schema requires', () => {
    const id = deterministicEventId('run-1', 1, 'MirrorCompleted');
    expect(z.uuid().safeParse(id).success).toBe(true);
    expect(id[14]).toBe('5');
  });
});
