import { HttpStatus } from '@nestjs/common';
import { ApiError } from '@atelier/service-kit';

/** Keyset position: creation time in microseconds since the epoch (exact, unlike a JS Date) and the row id. */
export interface Cursor {
  createdUs: string;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function encodeCursor(c: Cursor): string {
  return Buffer.from(`${c.createdUs}.${c.id}`, 'utf8').toString('base64url');
}

/** Throws 400 invalid_cursor for anything encodeCursor did not produce. */
export function decodeCursor(raw: string): Cursor {
  const text = Buffer.from(raw, 'base64url').toString('utf8');
  const [createdUs, id, ...rest] = text.split('.');
  if (rest.length > 0 || !/^\d{1,18}$/.test(createdUs ?? '') || !UUID.test(id ?? '')) {
    throw new ApiError(HttpStatus.BAD_REQUEST, 'invalid_cursor', 'cursor is not one this API returned');
  }
  return { createdUs, id };
}

/** SQL fragment (and its two parameters) selecting rows after the cursor in newest-first order. */
export function afterCursorSql(cursor: Cursor | undefined, firstParam: number): { sql: string; params: string[] } {
  if (!cursor) return { sql: 'TRUE', params: [] };
  return {
    sql: `(created_at, id) < ('epoch'::timestamptz + $${firstParam}::bigint * interval '1 microsecond', $${firstParam + 1}::uuid)`,
    params: [cursor.createdUs, cursor.id],
  };
}

export const CREATED_US_SQL = `(extract(epoch from created_at) * 1000000)::bigint::text AS created_us`;
