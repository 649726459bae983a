/** HTTP for vibration captures: JSON or binary float32 in, metadata lists, samples out. */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CoreContext } from '../app-context.js';
import type { CapturesService } from './captures.service.js';
import { Paged, errorResponses } from '../http/schemas.js';
import { IdParams, PageQuery } from './assets.schemas.js';
import type { CaptureRow } from './captures.repository.js';
import { decodeSamples, toCaptureMeta } from './captures.service.js';
import { INGEST_LIMITS } from './ingest-validation.js';
import { WindowQuery } from './readings.routes.js';

const OCTET = 'application/octet-stream';

const CaptureMetaOut = Type.Object(
  {
    id: Type.Integer(),
    sensorId: Type.Integer(),
    ts: Type.String({ format: 'date-time' }),
    sampleRateHz: Type.Number(),
    nSamples: Type.Integer(),
    qualityFlags: Type.Integer(),
  },
  { title: 'CaptureMeta' },
);
const CaptureOut = Type.Composite([CaptureMetaOut, Type.Object({ samples: Type.Array(Type.Number()) })]);
const CaptureIngestOut = Type.Composite([
  CaptureMetaOut,
  Type.Object({ inserted: Type.Integer(), duplicates: Type.Integer() }),
]);

const CaptureJson = Type.Object(
  {
    ts: Type.Unknown({ description: 'Start of the capture: ISO-8601 with a zone, or epoch ms' }),
    sampleRateHz: Type.Optional(Type.Unknown({ description: "Hz; must equal the sensor's configured rate" })),
    samples: Type.Array(Type.Unknown(), {
      description: `Finite numbers (stored as float32), at most MAX_CAPTURE_SAMPLES (default ${INGEST_LIMITS.maxCaptureSamples})`,
    }),
  },
  { additionalProperties: false },
);

const sampleResponses = {
  200: {
    description: `Samples as JSON, or raw little-endian float32 with "Accept: ${OCTET}" (metadata in x-capture-* headers)`,
    content: { 'application/json': { schema: CaptureOut }, [OCTET]: { schema: {} } },
  },
  ...errorResponses,
};

/** Binary only when asked for: octet-stream in Accept, ahead of any JSON. */
function wantsBinary(accept: string | undefined): boolean {
  const a = (accept ?? '').toLowerCase();
  const octet = a.indexOf(OCTET);
  const json = a.indexOf('application/json');
  return octet >= 0 && (json < 0 || octet < json);
}

function sendCapture(req: FastifyRequest, reply: FastifyReply, row: CaptureRow) {
  const meta = toCaptureMeta(row);
  if (wantsBinary(req.headers.accept)) {
    return reply
      .header('content-type', OCTET)
      .header('x-capture-id', String(meta.id))
      .header('x-capture-ts', meta.ts)
      .header('x-sample-rate-hz', String(meta.sampleRateHz))
      .header('x-quality-flags', String(meta.qualityFlags))
      .send(Buffer.from(row.samples.buffer, row.samples.byteOffset, row.samples.byteLength));
  }
  return reply.send({ ...meta, samples: Array.from(decodeSamples(row.samples)) });
}

export const captureRoutes: FastifyPluginAsyncTypebox<{
  ctx: CoreContext & { readonly captures: CapturesService };
}> = async (app, { ctx }) => {
  const service = ctx.captures;
  const tags = ['captures'];

  // Scoped to this plugin. BODY_LIMIT_BYTES bounds binary bodies as it bounds JSON ones.
  if (app.hasContentTypeParser(OCTET)) app.removeContentTypeParser(OCTET);
  app.addContentTypeParser(
    OCTET,
    { parseAs: 'buffer', bodyLimit: ctx.config.bodyLimitBytes },
    (_req, body, done) => done(null, body),
  );

  app.post(
    '/v1/sensors/:id/captures',
    {
      config: { scope: 'ingest' },
      schema: {
        tags,
        summary: 'Ingest a vibration waveform capture (idempotent on sensor and timestamp)',
        description:
          `JSON { ts, sampleRateHz, samples }, or a ${OCTET} body of little-endian float32 samples ` +
          '(at most BODY_LIMIT_BYTES) with ts and sampleRateHz in the query or in the ' +
          'x-capture-ts / x-sample-rate-hz headers. 201 stored, 200 duplicate.',
        params: IdParams,
        querystring: Type.Object({
          ts: Type.Optional(Type.String()),
          sampleRateHz: Type.Optional(Type.String()),
        }),
        body: {
          content: {
            'application/json': { schema: CaptureJson },
            [OCTET]: { schema: { description: 'little-endian float32 samples' } },
          },
        },
        response: {
          200: CaptureIngestOut,
          201: CaptureIngestOut,
          413: errorResponses[400],
          ...errorResponses,
        },
      },
    },
    async (req, reply) => {
      const id = req.params.id;
      const binary = (req.headers['content-type'] ?? '').toLowerCase().startsWith(OCTET);
      const result = binary
        ? await service.ingestBinary(
            id,
            Buffer.isBuffer(req.body) ? req.body : new Uint8Array(0),
            req.query.ts ?? req.headers['x-capture-ts'],
            req.query.sampleRateHz ?? req.headers['x-sample-rate-hz'],
          )
        : await service.ingestJson(id, req.body as { ts: unknown; sampleRateHz?: unknown; samples: unknown });
      return reply.status(result.inserted > 0 ? 201 : 200).send(result);
    },
  );

  app.get(
    '/v1/sensors/:id/captures',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary: 'Capture metadata in [from, to), time ordered, keyset paginated',
        params: IdParams,
        querystring: Type.Object({ ...WindowQuery, ...PageQuery }),
        response: { 200: Paged(CaptureMetaOut), ...errorResponses },
      },
    },
    async (req) => service.list(req.params.id, req.query),
  );

  app.get(
    '/v1/sensors/:id/captures/:ts',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary: 'One capture by sensor and timestamp (ISO-8601 or epoch ms)',
        params: Type.Object({ id: IdParams.properties.id, ts: Type.String() }),
        response: sampleResponses,
      },
    },
    async (req, reply) => sendCapture(req, reply, await service.byTs(req.params.id, req.params.ts)),
  );

  app.get(
    '/v1/captures/:id',
    {
      config: { scope: 'read' },
      schema: { tags, summary: 'One capture by id', params: IdParams, response: sampleResponses },
    },
    async (req, reply) => sendCapture(req, reply, await service.byId(req.params.id)),
  );
};
