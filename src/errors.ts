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

// Socket errors of a server that is down or out of reach (name resolution and routing fail while
// a container or a network is still coming up), and SQLSTATEs of one restarting (57P0x) or full
// (53300 too_many_connections).
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  '57P01',
  '57P02',
  '57P03',
  '53300',
]);
// pg's own messages, with no code: a dropped connection, the pool's connect timeout (a server
// that does not answer, or every connection busy), and Database.ping's timeout.
const UNAVAILABLE_MESSAGE =
  /Connection terminated|connection timeout|Client has encountered a connection error|timeout exceeded when trying to connect|did not answer within/i;

/** Errors that mean "the database is unreachable, restarting or full": answer 503, retry later.
 * The one classification for the API, the MQTT subscriber (which then keeps the message), the
 * CLI and start-up's wait for the database. */
export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | null;
  if (!e) return false;
  if (typeof e.code === 'string') {
    if (UNAVAILABLE_CODES.has(e.code)) return true;
    if (e.code.startsWith('08')) return true; // connection exception class
  }
  return UNAVAILABLE_MESSAGE.test(e.message ?? '');
}
