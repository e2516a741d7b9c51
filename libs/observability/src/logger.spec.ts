import { Writable } from 'node:stream';
import { withCorrelation } from './correlation';
import { createLogger } from './logger';

function capture() {
  const lines: any[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, destination };
}

describe('the structured logger', () => {
  it('scrubs known secret values wherever they appear, even inside messages and errors', () => {
    const { lines, destination } = capture();
    const log = createLogger({ app: 'test', secretValues: ['hunter2-secret'], destination });
    log.info(`calling with key hunter2-secret`);
    log.error({ err: new Error('auth failed for hunter2-secret') }, 'failed');
    const text = JSON.stringify(lines);
    expect(text).not.toContain('hunter2-secret');
    expect(text).toContain('[REDACTED]');
  });

  it('redacts secret-named fields and authorization headers', () => {
    const { lines, destination } = capture();
    const log = createLogger({ app: 'test', destination });
    log.info({
      req: { headers: { authorization: 'Bearer abc.def' } },
      ncp: { secretKey: 'sk-1' },
      git: { password: 'pw' },
    });
    expect(lines[0].req.headers.authorization).toBe('[REDACTED]');
    expect(lines[0].ncp.secretKey).toBe('[REDACTED]');
    expect(lines[0].git.password).toBe('[REDACTED]');
  });

  it('redacts secret-named fields at any depth, in objects and arrays, without touching the logged object', () => {
    const { lines, destination } = capture();
    const log = createLogger({ app: 'test', destination });
    const logged = {
      project: { settings: { hook: { config: { secret: 'deep-1', url: 'https://x' } } } },
      calls: [{ request: { headers: { Authorization: 'Bearer deep-2' } } }, { auth: [{ token: 'deep-3' }] }],
      a: { b: { c: { d: { e: { f: { privateKey: 'deep-4', webhookSecret: 'deep-5' } } } } } },
    };
    log.info(logged, 'nested');
    const text = JSON.stringify(lines[0]);
    for (const secret of ['deep-1', 'deep-2', 'deep-3', 'deep-4', 'deep-5']) expect(text).not.toContain(secret);
    expect(lines[0].project.settings.hook.config).toEqual({ secret: '[REDACTED]', url: 'https://x' });
    expect(lines[0].calls[1].auth[0].token).toBe('[REDACTED]');
    expect(logged.project.settings.hook.config.secret).toBe('deep-1');
  });

  it('cuts an object deeper than it can read, or one that refers to itself, instead of failing', () => {
    const { lines, destination } = capture();
    const log = createLogger({ app: 'test', destination });
    const cycle: Record<string, unknown> = { name: 'loop' };
    cycle.self = cycle;
    log.info({ cycle }, 'cyclic');
    expect(lines[0].msg).toBe('cyclic');
    expect(JSON.stringify(lines[0])).toContain('[too deep]');
  });

  it('puts the correlation id of the work in progress on every line of it', async () => {
    const { lines, destination } = capture();
    const log = createLogger({ app: 'test', destination });
    await withCorrelation('delivery-42', async () => {
      await Promise.resolve();
      log.info('inside');
    });
    log.info('outside');
    expect(lines[0]).toMatchObject({ msg: 'inside', correlationId: 'delivery-42', app: 'test' });
    expect(lines[1].correlationId).toBeUndefined();
  });
});
