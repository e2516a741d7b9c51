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
