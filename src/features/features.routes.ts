import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { CoreContext } from '../app-context.js';
import type { FeaturesService } from './feature-queries.service.js';
import { Id, errorResponses } from '../http/schemas.js';

const AssetParams = Type.Object({ id: Id });
const Timestamp = Type.String({ format: 'date-time' });

const ExtractionBody = Type.Object(
  {
    from: Type.Optional(Timestamp),
    to: Type.Optional(Timestamp),
    featureSet: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  },
  { additionalProperties: false },
);

const FeatureSetRef = Type.Object({ name: Type.String(), version: Type.Integer(), hash: Type.String() });

const Accepted = Type.Object({
  jobId: Type.String(),
  deduplicated: Type.Boolean(),
  featureSet: FeatureSetRef,
  statusUrl: Type.String(),
});

const RowsQuery = Type.Object(
  {
    from: Type.Optional(Timestamp),
    to: Type.Optional(Timestamp),
    limit: Type.Integer({ minimum: 1, maximum: 5000, default: 500 }),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    featureSet: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    sensorId: Type.Optional(Id),
    order: Type.Union([Type.Literal('asc'), Type.Literal('desc')], { default: 'asc' }),
  },
  { additionalProperties: false },
);

const Rows = Type.Object({
  featureSet: Type.Object({
    id: Type.Union([Type.Integer(), Type.Null()]),
    name: Type.String(),
    version: Type.Integer(),
    hash: Type.String(),
    featureNames: Type.Array(Type.String()),
  }),
  items: Type.Array(
    Type.Object({
      sensorId: Type.Integer(),
      windowStart: Type.String({ format: 'date-time' }),
      windowEnd: Type.String({ format: 'date-time' }),
      source: Type.Union([Type.Literal('capture'), Type.Literal('readings')]),
      sourceId: Type.Union([Type.Integer(), Type.Null()]),
      values: Type.Array(Type.Union([Type.Number(), Type.Null()]), {
        description: 'In featureSet.featureNames order; null = not computable for this window',
      }),
    }),
  ),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

const FeatureSets = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Type.Union([Type.Integer(), Type.Null()], { description: 'null until first used' }),
      name: Type.String(),
      version: Type.Integer(),
      hash: Type.String(),
      registered: Type.Boolean({ description: 'false for an older stored definition' }),
      default: Type.Boolean(),
      featureNames: Type.Array(Type.String()),
      definition: Type.Record(Type.String(), Type.Unknown()),
      createdAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    }),
  ),
});

export const featureRoutes: FastifyPluginAsyncTypebox<{
  ctx: CoreContext & { readonly features: FeaturesService };
}> = async (app, { ctx }) => {
  app.post(
    '/v1/assets/:id/feature-extractions',
    {
      config: { scope: 'admin' },
      schema: {
        tags: ['features'],
        summary: 'Queue feature extraction for an asset over a time range',
        description:
          'Windows whose start is in [from, to) are (re)computed; existing rows there are replaced. ' +
          'Poll statusUrl (GET /v1/jobs/:id) for progress and the counts.',
        params: AssetParams,
        body: Type.Optional(ExtractionBody),
        response: { 202: Accepted, ...errorResponses },
      },
    },
    async (req, reply) => {
      const accepted = await ctx.features.requestExtraction(req.params.id, req.body ?? {});
      return reply.status(202).send(accepted);
    },
  );

  app.get(
    '/v1/assets/:id/features',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['features'],
        summary: 'Feature rows of an asset, one per sensor and window, in a time range',
        params: AssetParams,
        querystring: RowsQuery,
        response: { 200: Rows, ...errorResponses },
      },
    },
    async (req) => ctx.features.listAssetFeatures(req.params.id, req.query),
  );

  app.get(
    '/v1/feature-sets',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['features'],
        summary: 'Feature set definitions: registered ones and any older stored versions',
        response: { 200: FeatureSets, ...errorResponses },
      },
    },
    async () => ctx.features.listFeatureSets(),
  );
};
