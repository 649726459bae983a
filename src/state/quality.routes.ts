/** HTTP for the per-sensor data-quality report and flag recomputation. */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { CoreContext } from '../app-context.js';
import type { QualityService } from './quality.service.js';
import { errorResponses } from '../http/schemas.js';
import { IdParams } from '../acquisition/assets.schemas.js';
import { DEFAULT_QUALITY_OPTIONS as D, FLAG_NAMES, QUALITY_FLAGS } from '../acquisition/quality.js';
import { WindowQuery } from '../acquisition/readings.routes.js';

const Flags = Type.Object(Object.fromEntries(FLAG_NAMES.map((k) => [k, Type.Integer()])));
const Nullable = <T extends ReturnType<typeof Type.Number>>(t: T) => Type.Union([t, Type.Null()]);

const QualityQuery = Type.Object({
  ...WindowQuery,
  gapFactor: Type.Optional(Type.Number({ exclusiveMinimum: 1, maximum: 1000, default: D.gapFactor })),
  stuckMinRun: Type.Optional(Type.Integer({ minimum: 2, maximum: 1_000_000, default: D.stuckMinRun })),
  saturationMinRepeats: Type.Optional(
    Type.Integer({ minimum: 2, maximum: 1_000_000, default: D.saturationMinRepeats }),
  ),
  spikeHalfWindow: Type.Optional(Type.Integer({ minimum: 2, maximum: 100, default: D.spikeHalfWindow })),
  spikeThreshold: Type.Optional(
    Type.Number({ exclusiveMinimum: 0, maximum: 100, default: D.spikeThreshold }),
  ),
  irregularCv: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 100, default: D.irregularCv })),
});

const Report = Type.Object({
  sensorId: Type.Integer(),
  from: Type.Union([Type.String(), Type.Null()]),
  to: Type.Union([Type.String(), Type.Null()]),
  options: Type.Object({
    gapFactor: Type.Number(),
    stuckMinRun: Type.Integer(),
    saturationMinRepeats: Type.Integer(),
    spikeHalfWindow: Type.Integer(),
    spikeThreshold: Type.Number(),
    irregularCv: Type.Number(),
  }),
  readings: Type.Object({
    samples: Type.Integer(),
    firstTs: Nullable(Type.Number({ description: 'epoch ms' })),
    lastTs: Nullable(Type.Number({ description: 'epoch ms' })),
    expectedIntervalMs: Nullable(Type.Number()),
    expectedIntervalSource: Type.Union([Type.Literal('sample_rate'), Type.Literal('median'), Type.Null()]),
    gaps: Type.Object({
      count: Type.Integer(),
      largestMs: Type.Number(),
      largestIntervals: Type.Number({ description: 'largest gap in expected intervals' }),
      missingSamples: Type.Integer(),
    }),
    sampling: Type.Object({
      medianIntervalMs: Nullable(Type.Number()),
      intervalCv: Type.Number(),
      jitterCv: Type.Number({ description: 'CV of the intervals that are not gaps' }),
      irregular: Type.Boolean(),
    }),
    duplicatesDropped: Type.Integer(),
    outOfRange: Type.Integer(),
    stuck: Type.Object({ runs: Type.Integer(), samples: Type.Integer(), longestRun: Type.Integer() }),
    saturated: Type.Object({ samples: Type.Integer(), values: Type.Array(Type.Number()) }),
    spikes: Type.Integer(),
    usable: Type.Object({ samples: Type.Integer(), share: Type.Number() }),
    completeness: Nullable(Type.Number()),
    flagged: Flags,
    storedFlagsStale: Type.Integer({
      description: 'rows whose stored flags differ: POST .../quality/recompute',
    }),
  }),
  captures: Type.Object({
    captures: Type.Integer(),
    duplicatesDropped: Type.Integer(),
    medianIntervalMs: Nullable(Type.Number()),
    gaps: Type.Object({ count: Type.Integer(), largestMs: Type.Number() }),
    flagged: Flags,
    usable: Type.Object({ captures: Type.Integer(), share: Type.Number() }),
  }),
});

const Recomputed = Type.Object({
  sensorId: Type.Integer(),
  readings: Type.Object({ analysed: Type.Integer(), updated: Type.Integer(), flagged: Flags }),
  captures: Type.Object({ analysed: Type.Integer(), updated: Type.Integer() }),
});

const bits = FLAG_NAMES.map((k) => `${k}=${QUALITY_FLAGS[k]}`).join(', ');

export const qualityRoutes: FastifyPluginAsyncTypebox<{
  ctx: CoreContext & { readonly quality: QualityService };
}> = async (app, { ctx }) => {
  const service = ctx.quality;
  const tags = ['quality'];

  app.get(
    '/v1/sensors/:id/quality',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary: 'Data-quality report of a sensor over [from, to)',
        description: `Gaps, duplicates, range, stuck, saturation, spikes, sampling regularity, usable share. Flag bits: ${bits}.`,
        params: IdParams,
        querystring: QualityQuery,
        response: { 200: Report, ...errorResponses },
      },
    },
    async (req) => service.report(req.params.id, req.query),
  );

  app.post(
    '/v1/sensors/:id/quality/recompute',
    {
      config: { scope: 'admin' },
      schema: {
        tags,
        summary: 'Recompute and store the quality flags of readings and captures in [from, to)',
        params: IdParams,
        querystring: QualityQuery,
        response: { 200: Recomputed, ...errorResponses },
      },
    },
    async (req) => service.recompute(req.params.id, req.query),
  );
};
