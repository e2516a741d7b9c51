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

export function decodeCursor(cursor: string): PageCursor {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!at || !id || !/^\d{4}-\d\d-\d\d [\d:.+-]+$/.test(at) || !/^[0-9a-f-]{36}$/.test(id)) throw new BadCursorError();
  return { at, id };
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
