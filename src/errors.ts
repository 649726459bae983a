/**
 * The one error type the service throws on purpose. It carries a stable machine-readable code,
 * the HTTP status to answer with, and optionally the underlying cause for the logs (never sent
 * to clients).
 */
export class AppError extends Error {
  override name = 'AppError';
  constructor(
    readonly code: string,
    readonly statusCode: number,
    message: string,
    options?: { cause?: unknown; details?: Record<string, unknown>; headers?: Record<string, string> },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.details = options?.details;
    this.headers = options?.headers;
  }
  readonly details: Record<string, unknown> | undefined;
  readonly headers: Record<string, string> | undefined;
}

export const badRequest = (code: string, message: string, details?: Record<string, unknown>) =>
  new AppError(code, 400, message, { details });
export const notFound = (what: string, id: string | number) =>
  new AppError('not_found', 404, `${what} ${id} does not exist`);
export const conflict = (code: string, message: string) => new AppError(code, 409, message);

/** SQLSTATE classes that mean "the database is unreachable or restarting": answer 503, retry later. */
export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | null;
  if (!e) return false;
  if (typeof e.code === 'string') {
    if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03'].includes(e.code))
      return true;
    if (e.code.startsWith('08')) return true; // connection exception class
  }
  return /Connection terminated|connection timeout|Client has encountered a connection error/i.test(
    e.message ?? '',
  );
}
