/**
 * One error handler for the whole API. Every error leaves as
 * `{ "error": { "code", "message" } }` with a status that tells a client whether to fix the
 * request (4xx) or retry later (503 + Retry-After). Internal details stay in the logs.
 */
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, isDatabaseUnavailable } from '../errors.js';
import { applySecurityHeaders, SECURITY_HEADERS } from './security-headers.js';
import { clientGone, markTimedOut } from './slow-clients.js';

/** Requests Node's HTTP parser refuses (bad header, header too large, timeout): no Fastify
 * request exists, so the answer is written to the socket, in the same shape as every error. */
export function clientErrorHandler(
  this: FastifyInstance,
  err: Error & { code?: string },
  socket: Socket,
): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    markTimedOut(socket);
    this.log.info(
      { remoteAddress: socket.remoteAddress },
      'request timed out: not received whole within REQUEST_TIMEOUT_MS (408)',
    );
  }
  const [status, label, code, message] =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'Request Timeout', 'request_timeout', 'the request took too long to arrive']
      : err.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Request Header Fields Too Large', 'headers_too_large', 'the request headers are too large']
        : [400, 'Bad Request', 'malformed_request', 'the request is not valid HTTP'];
  const body = JSON.stringify({ error: { code, message } });
  const headers = Object.entries(SECURITY_HEADERS)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${label}\r\ncontent-type: application/json; charset=utf-8\r\n` +
        `content-length: ${Buffer.byteLength(body)}\r\n${headers}connection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}

/** Errors Fastify raises before a route is found (no hooks run for them). */
export function frameworkErrorHandler(err: FastifyError, _req: FastifyRequest, reply: FastifyReply): void {
  applySecurityHeaders(reply);
  const tooLong = err.code === 'FST_ERR_MAX_PARAM_LENGTH';
  void reply.status(tooLong ? 414 : 400).send({
    error: {
      code: tooLong ? 'path_parameter_too_long' : (FASTIFY_CODES[err.code] ?? 'bad_request'),
      message: tooLong ? 'a path parameter is longer than 100 characters' : 'the URL is not valid',
    },
  });
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | AppError | Error, req, reply) => {
    // First: the socket's ECONNRESET would otherwise read as the database being unreachable.
    const gone = clientGone(req);
    if (gone === 'abort')
      req.log.info({ reason: err.message }, 'client aborted the request before its body arrived');
    if (gone !== undefined) {
      return reply.status(gone === 'timeout' ? 408 : 400).send({
        error:
          gone === 'timeout'
            ? { code: 'request_timeout', message: 'the request took too long to arrive' }
            : {
                code: 'client_aborted',
                message: 'the client closed the connection before the request arrived',
              },
      });
    }
    if (err instanceof AppError) {
      if (err.statusCode >= 500) req.log.warn({ err }, err.message);
      for (const [k, v] of Object.entries(err.headers ?? {})) reply.header(k, v);
      return reply.status(err.statusCode).send({
        error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) },
      });
    }
    const fe = err as FastifyError;
    if (fe.validation) {
      // Name the field: "body/samples/3 must be number" beats "bad request".
      const v = fe.validation[0];
      const where = `${fe.validationContext ?? 'request'}${v?.instancePath ?? ''}`;
      const params = v?.params as { missingProperty?: string; additionalProperty?: string } | undefined;
      const missing = params?.missingProperty;
      const extra = params?.additionalProperty;
      const allowed = allowedValues(fe.validation, v?.instancePath);
      const message = missing
        ? `${where}/${missing} is required`
        : extra
          ? `${where}/${extra} is not allowed`
          : allowed
            ? `${where} must be one of: ${allowed.map((a) => JSON.stringify(a)).join(', ')}`
            : `${where} ${v?.message ?? 'is invalid'}`;
      return reply.status(400).send({ error: { code: 'validation_failed', message } });
    }
    if (isDatabaseUnavailable(err)) {
      req.log.error({ err }, 'database unavailable');
      reply.header('retry-after', '5');
      return reply.status(503).send({
        error: { code: 'database_unavailable', message: 'the database is unavailable; retry later' },
      });
    }
    const status =
      typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500 ? fe.statusCode : 500;
    if (status < 500) {
      const code = FASTIFY_CODES[fe.code ?? ''] ?? 'bad_request';
      return reply.status(status).send({ error: { code, message: fe.message } });
    }
    req.log.error({ err }, 'unhandled error');
    return reply.status(500).send({ error: { code: 'internal', message: 'internal server error' } });
  });

  app.setNotFoundHandler((req, reply) =>
    reply
      .status(404)
      .send({ error: { code: 'route_not_found', message: `no route ${req.method} ${req.url}` } }),
  );
}

interface AjvError {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
}

/** The values a choice allows, when the first error is one: an `enum`, or an `anyOf` of
 * constants (TypeBox's union of literals), whose branches each report their constant. */
function allowedValues(errors: readonly unknown[], path: string | undefined): unknown[] | undefined {
  const here = (errors as AjvError[]).filter((e) => e.instancePath === path);
  const first = here[0];
  if (first?.keyword === 'enum') return first.params.allowedValues as unknown[];
  if (first?.keyword !== 'const' || !here.some((e) => e.keyword === 'anyOf')) return undefined;
  const consts = here.filter((e) => e.keyword === 'const').map((e) => e.params.allowedValue);
  return here.every((e) => e.keyword === 'const' || e.keyword === 'anyOf') ? consts : undefined;
}

const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'empty_body',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_content_length',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_BAD_URL: 'bad_url',
};
