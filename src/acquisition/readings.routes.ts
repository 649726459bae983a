/** HTTP for scalar readings: batch ingestion and time-ordered reading back. */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { CoreContext } from '../app-context.js';
import { badRequest } from '../errors.js';
import type { ReadingsService } from './readings.service.js';
import { Paged, errorResponses } from '../http/schemas.js';
import { IdParams, PageQuery } from './assets.schemas.js';
import { ReadingsBody } from './readings.schemas.js';

const IngestResult = Type.Object(
  {
    sensorId: Type.Integer(),
    received: Type.Integer(),
    inserted: Type.Integer(),
    duplicates: Type.Integer({ description: 'Already stored, or repeated in the batch: kept once' }),
  },
  { title: 'ReadingsIngestResult' },
);

const ReadingOut = Type.Object({
  ts: Type.String({ format: 'date-time' }),
  value: Type.Number(),
  qualityFlags: Type.Integer(),
});
export const WindowQuery = {
  from: Type.Optional(Type.String({ description: 'Inclusive; ISO-8601 or epoch ms' })),
  to: Type.Optional(Type.String({ description: 'Exclusive; ISO-8601 or epoch ms' })),
};

export const readingRoutes: FastifyPluginAsyncTypebox<{
  ctx: CoreContext & { readonly readings: ReadingsService };
}> = async (app, { ctx }) => {
  const service = ctx.readings;
  const tags = ['readings'];

  app.post(
    '/v1/sensors/:id/readings',
    {
      config: { scope: 'ingest' },
      schema: {
        tags,
        summary: 'Ingest a batch of readings (idempotent on sensor and timestamp)',
        description:
          '201 when at least one reading was stored, 200 when all were duplicates. Timestamps from 1970 to 24 h ahead of the server clock.',
        params: IdParams,
        body: ReadingsBody,
        response: { 200: IngestResult, 201: IngestResult, 413: errorResponses[400], ...errorResponses },
      },
      // An empty batch keeps the code the service (and MQTT ingestion) gives it.
      schemaErrorFormatter: (errors, dataVar) =>
        errors[0]?.keyword === 'minItems' && errors[0].instancePath === '/readings'
          ? badRequest('empty_batch', `${dataVar}/readings must hold at least one reading`)
          : new Error(`${dataVar} is invalid`),
    },
    async (req, reply) => {
      const result = await service.ingest(req.params.id, req.body.readings);
      return reply.status(result.inserted > 0 ? 201 : 200).send(result);
    },
  );

  app.get(
    '/v1/sensors/:id/readings',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary: 'Readings in [from, to), time ordered, keyset paginated',
        params: IdParams,
        querystring: Type.Object({ ...WindowQuery, ...PageQuery }),
        response: { 200: Paged(ReadingOut), ...errorResponses },
      },
    },
    async (req) => service.list(req.params.id, req.query),
  );
};
