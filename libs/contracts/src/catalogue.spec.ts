import { randomUUID } from 'node:crypto';
import { EVENT_NAMES, Events, validateEnvelope } from './catalogue';
import { createEnvelope } from './envelope';

const scale = () =>
  createEnvelope(
    Events.ScaleRequested,
    { runId: randomUUID(), projectId: randomUUID(), requestedBy: 'u', replicas: 3 },
    {
      correlationId: 'c-1',
    },
  );

describe('the event catalogue', () => {
  it('names every event of the architecture once, each name matching its definition', () => {
    expect(EVENT_NAMES).toHaveLength(31);
    for (const name of EVENT_NAMES) expect(Events[name].name).toBe(name);
  });

  it('accepts a well-formed envelope and returns the parsed payload', () => {
    const result = validateEnvelope(JSON.parse(JSON.stringify(scale())), 'ScaleRequested');
    expect(result.ok).toBe(true);
  });

  it('names what is wrong with an invalid payload', () => {
    const envelope = { ...scale(), payload: { runId: 'nope', replicas: -1 } };
    const result = validateEnvelope(envelope);
    expect(result).toMatchObject({ ok: false, reason: expect.stringMatching(/invalid ScaleRequested payload: runId/) });
  });

  it('refuses an unknown type, a newer version, and a type that does not match its routing key', () => {
    expect(validateEnvelope({ ...scale(), type: 'Nope' })).toMatchObject({
      ok: false,
      reason: 'unknown event type Nope',
    });
    expect(validateEnvelope({ ...scale(), version: 2 })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/newer/),
    });
    expect(validateEnvelope(scale(), 'RunQueued')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/does not match/),
    });
  });

  it('checks a payload before it leaves, so no producer sends what consumers would park', () => {
    expect(() => createEnvelope(Events.ScaleRequested, { replicas: 1 } as never, { correlationId: 'c' })).toThrow();
  });
});
