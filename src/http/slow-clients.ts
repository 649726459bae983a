/**
 * Clients that are slow to send a request or leave before it is whole. Node drops a request
 * whose body has not arrived within REQUEST_TIMEOUT_MS (clientErrorHandler answers 408), and
 * either way the body parser then fails with the socket's ECONNRESET, which must not be taken
 * for the database being unreachable: it is logged as what it is, at info level.
 */
import type { ServerOptions } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyRequest } from 'fastify';

/** Fastify's options for REQUEST_TIMEOUT_MS (0 = no limit). */
export function requestTimeoutOptions(ms: number): { requestTimeout: number; http: ServerOptions } {
  if (ms === 0) return { requestTimeout: 0, http: {} };
  return {
    requestTimeout: ms,
    http: {
      // Node looks for expired requests on this interval (30 s by default), so a short limit
      // would otherwise be enforced up to 30 s late.
      connectionsCheckingInterval: Math.max(100, Math.min(30_000, Math.floor(ms / 4))),
      // The headers are part of the request: never allowed longer than the whole of it.
      headersTimeout: Math.min(60_000, ms),
    },
  };
}

const timedOut = new WeakSet<Socket>();

/** Called by clientErrorHandler when Node gives up on a request that took too long. */
export function markTimedOut(socket: Socket): void {
  timedOut.add(socket);
}

/** Why the request never arrived whole: the client left, or its time ran out; undefined when
 * it is still there (the error is then the server's to report). */
export function clientGone(req: FastifyRequest): 'timeout' | 'abort' | undefined {
  const raw = req.raw;
  if (raw.complete) return undefined;
  if (timedOut.has(raw.socket)) return 'timeout';
  return raw.readableAborted || raw.socket.destroyed ? 'abort' : undefined;
}
