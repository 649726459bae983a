/**
 * Opaque keyset cursors: base64url of a small JSON object. Clients pass them back unchanged;
 * anything else is a 400 naming `cursor`.
 */
import { badRequest } from '../errors.js';

export function encodeCursor(key: Record<string, number>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** Decodes a cursor whose fields must all be finite numbers (ids or epoch ms). */
export function decodeCursor<K extends string>(
  raw: string | undefined,
  fields: readonly K[],
): Record<K, number> | undefined {
  if (raw === undefined || raw === '') return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (fields.every((f) => typeof parsed[f] === 'number' && Number.isFinite(parsed[f]))) {
      return parsed as Record<K, number>;
    }
  } catch {
    // fall through to the one error below
  }
  throw badRequest('invalid_cursor', 'cursor is not a cursor returned by this endpoint');
}
