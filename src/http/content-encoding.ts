/**
 * Request bodies sent with `Content-Encoding: gzip`, `deflate` or `br` are decoded before any
 * parser sees them, so a gzipped capture is stored as its samples, not as compressed bytes.
 * BODY_LIMIT_BYTES bounds the decoded size too: decoding stops (413) as soon as the output
 * passes it, so a small "zip bomb" cannot fill memory or keep a core busy. Any other coding, or
 * more than one, is refused with 415 `unsupported_content_encoding` before anything is read.
 */
import { Transform, type Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';

const DECODERS: Record<string, () => Transform> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

function hasBody(req: FastifyRequest): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** The decoded body, counted against `limit`; Fastify reads `receivedEncodedLength` to check
 * Content-Length against the bytes that arrived. */
function decode(payload: Readable, coding: string, limit: number): Readable {
  const decoder = DECODERS[coding]!();
  let decoded = 0;
  const out = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      decoded += chunk.length;
      if (decoded <= limit) return done(null, chunk);
      // Stop decoding at once; the rest of the request is read and dropped so the 413 can be sent.
      payload.unpipe(decoder);
      decoder.destroy();
      payload.resume();
      done(
        new AppError(
          'payload_too_large',
          413,
          `body: decoded (Content-Encoding: ${coding}) it is larger than BODY_LIMIT_BYTES (${limit} bytes)`,
        ),
      );
    },
  }) as Transform & { receivedEncodedLength: number };
  out.receivedEncodedLength = 0;
  payload.on('data', (chunk: Buffer) => (out.receivedEncodedLength += chunk.length));
  decoder.once('error', () =>
    out.destroy(
      new AppError(
        'invalid_content_encoding',
        400,
        `body is not valid ${coding} data (Content-Encoding: ${coding})`,
      ),
    ),
  );
  payload.pipe(decoder).pipe(out);
  return out;
}

export function installContentEncoding(app: FastifyInstance, limit: number): void {
  app.addHook('preParsing', async (req, _reply, payload) => {
    const header = req.headers['content-encoding'];
    if (header === undefined || !hasBody(req)) return payload;
    const codings = String(header)
      .toLowerCase()
      .split(',')
      .map((c) => c.trim())
      .filter((c) => c !== '' && c !== 'identity');
    if (codings.length === 0) return payload;
    if (codings.length > 1 || !DECODERS[codings[0]!]) {
      throw new AppError(
        'unsupported_content_encoding',
        415,
        `Content-Encoding "${String(header).slice(0, 100)}" is not supported: send the body as is, or encoded with one of ${Object.keys(DECODERS).join(', ')}`,
        // RFC 7694: what the server accepts instead.
        { headers: { 'accept-encoding': 'gzip, deflate, br' } },
      );
    }
    return decode(payload, codings[0]!, limit);
  });
}
