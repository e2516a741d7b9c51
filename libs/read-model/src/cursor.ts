/**
 * Keyset pagination for lists that are newest first: the cursor names the last row of a page by
 * its exact database timestamp (microseconds, as text) and id. Opaque to clients.
 */
export interface PageCursor {
  at: string;
  id: string;
}

export class BadCursorError extends Error {
  constructor() {
    super('cursor is not one this list gave out');
  }
}

export function encodeCursor(at: string, id: string): string {
  return Buffer.from(`${at}|${id}`).toString('base64url');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** PostgreSQL's text form of a timestamptz: `2026-05-04 10:11:12.345678+00` (offset minutes optional). */
const TIMESTAMP = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.\d{1,6})?[+-](\d\d)(?::([0-5]\d))?$/;

/**
 * A cursor is client input: only a well-formed position reaches the database (a date that does
 * not exist or a malformed uuid would make PostgreSQL fail the query, a 500 instead of a 400).
 */
export function decodeCursor(cursor: string): PageCursor {
  if (cursor.length > 200) throw new BadCursorError();
  const parts = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const [at, id] = parts;
  if (parts.length !== 2 || !UUID.test(id) || !validTimestamp(at)) throw new BadCursorError();
  return { at, id };
}

function validTimestamp(text: string): boolean {
  const m = TIMESTAMP.exec(text);
  if (!m) return false;
  const [year, month, day, hour, minute, second, offset] = m.slice(1, 8).map(Number);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return (
    year >= 1 &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59 &&
    offset <= 15
  );
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
