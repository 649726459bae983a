/** Translates constraint violations the schema enforces into client errors. */
import { AppError } from '../errors.js';

interface PgError {
  code?: string;
  constraint?: string;
  detail?: string;
}

/** Rethrows unique (23505), check (23514) and foreign-key (23503) violations as 409/400. */
export function translateConstraintError(err: unknown, messages: Record<string, string>): never {
  const e = err as PgError;
  const known = e.constraint ? messages[e.constraint] : undefined;
  if (e.code === '23505')
    throw new AppError('conflict', 409, known ?? `already exists: ${e.detail ?? e.constraint}`);
  if (e.code === '23514') throw new AppError('constraint_violated', 400, known ?? `violates ${e.constraint}`);
  if (e.code === '23503') throw new AppError('not_found', 404, known ?? `a referenced row does not exist`);
  throw err;
}
