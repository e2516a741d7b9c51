import { BadCursorError, decodeCursor, encodeCursor } from './cursor';

const ID = '5b0c9a2e-1f3d-4c5e-8a7b-9c0d1e2f3a4b';
const crafted = (text: string) => Buffer.from(text).toString('base64url');

describe('list cursors', () => {
  it('round-trips the positions PostgreSQL gives out', () => {
    for (const at of ['2026-05-04 10:11:12.345678+00', '2026-05-04 10:11:12+09', '2024-02-29 23:59:59.5-03:30']) {
      expect(decodeCursor(encodeCursor(at, ID))).toEqual({ at, id: ID });
    }
  });

  it.each([
    ['a date that does not exist', `2026-02-30 10:00:00+00|${ID}`],
    ['an impossible time', `9999-99-99 99:99:99+00|${ID}`],
    ['year zero', `0000-01-01 00:00:00+00|${ID}`],
    ['an offset PostgreSQL refuses', `2026-01-01 00:00:00+99|${ID}`],
    ['no offset', `2026-01-01 00:00:00|${ID}`],
    ['an id of dashes', `2026-01-01 00:00:00+00|${'-'.repeat(36)}`],
    ['an id that is not a uuid', `2026-01-01 00:00:00+00|${'g'.repeat(36)}`],
    ['an extra part', `2026-01-01 00:00:00+00|${ID}|x`],
    ['SQL', `2026-01-01 00:00:00+00'; DROP TABLE runs; --|${ID}`],
    ['nothing', ''],
  ])('refuses %s as a cursor this list did not give out', (_, text) => {
    expect(() => decodeCursor(crafted(text))).toThrow(BadCursorError);
  });

  it('refuses an overlong cursor before decoding it', () => {
    expect(() => decodeCursor('A'.repeat(10_000))).toThrow(BadCursorError);
  });
});
