/**
 * CORS, off unless CORS_ORIGINS lists origins: then those origins (exactly) may call the API
 * from a browser. Keys travel in headers, never cookies, so credentials are not allowed.
 * Preflights are answered here, before auth (a browser sends them without the key).
 */
import type { FastifyInstance } from 'fastify';

const ALLOW_HEADERS = [
  'authorization',
  'x-api-key',
  'content-type',
  'accept',
  'if-none-match',
  'x-request-id',
  'x-capture-ts',
  'x-sample-rate-hz',
].join(', ');
const EXPOSE_HEADERS = [
  'etag',
  'retry-after',
  'location',
  'x-request-id',
  'x-capture-id',
  'x-capture-ts',
  'x-sample-rate-hz',
  'x-quality-flags',
].join(', ');
const METHODS = 'GET, HEAD, POST, PATCH, DELETE';

export function installCors(app: FastifyInstance, origins: readonly string[]): void {
  if (origins.length === 0) return;
  const allowed = new Set(origins);

  app.addHook('onRequest', async (req, reply) => {
    const origin = req.headers.origin;
    const preflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
    if (!preflight || typeof origin !== 'string') return;
    reply.header('vary', 'Origin');
    if (!allowed.has(origin)) {
      return reply.status(403).send({
        error: { code: 'origin_not_allowed', message: `origin ${origin} is not in CORS_ORIGINS` },
      });
    }
    return reply
      .status(204)
      .header('access-control-allow-origin', origin)
      .header('access-control-allow-methods', METHODS)
      .header('access-control-allow-headers', ALLOW_HEADERS)
      .header('access-control-max-age', '600')
      .send();
  });

  app.addHook('onSend', async (req, reply, payload) => {
    const origin = req.headers.origin;
    if (typeof origin === 'string' && allowed.has(origin)) {
      reply.header('access-control-allow-origin', origin);
      reply.header('access-control-expose-headers', EXPOSE_HEADERS);
    }
    if (typeof origin === 'string') reply.header('vary', 'Origin');
    return payload;
  });
}
