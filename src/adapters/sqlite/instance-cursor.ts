/**
 * The opaque cursor of instance pages: the (created_at, id) of the last row
 * given out, base64url-encoded. Pages go newest first and the next page starts
 * strictly below the cursor, so instances created meanwhile (newer) never
 * shift a page and every instance is given out once.
 */
import { PipelaneError } from '../../errors.js';

export interface CursorPosition {
  createdAt: number;
  id: string;
}

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([position.createdAt, position.id])).toString('base64url');
}

export function decodeCursor(cursor: string): CursorPosition {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && Number.isFinite(value[0]) && typeof value[1] === 'string') {
      return { createdAt: value[0] as number, id: value[1] };
    }
  } catch {
    // reported below
  }
  throw new PipelaneError('BAD_REQUEST', `cursor "${cursor}" is not one a page of instances gave out; start again without it`);
}
